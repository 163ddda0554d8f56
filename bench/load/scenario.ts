import { z } from "zod";
import { poolPageSchema } from "@/lib/pool/answer";
import type { HttpClient } from "../shared/http";
import { sleep } from "../shared/kit";
import { pick, uniformMs } from "../shared/stats";
import type { CookieUser } from "../shared/users";
import { acceptRaceShare, discordBudget, doubleSubmitShare, freeActionPace, perUserPerMinute, poolBrowsing, rosterMax, type LoadProfile } from "./config";
import { tokenBucket } from "./token-bucket";

/**
 * What 500 signed-in users do in the load test: arrive over the ramp-up with
 * a page load (GET /), refocus their tab every few seconds (GET /api/roles,
 * and the team list or their team when the last copy is 15 s old, as the
 * page's queries do), look at the free-agent pool page (managers to find
 * players, with and without filters), reload now and then, and act: create
 * teams, ask to join, withdraw, approve, decline, leave, save their profile,
 * switch "looking for a team" on and off, offer places to players found in
 * the pool, withdraw offers, accept or decline them. Actions that call
 * Discord are admitted within the bot's budget, the others in a lane of
 * their own at a user's pace (config.ts); some are sent twice at once, one
 * copy to each app instance, and some acceptances race another team's offer
 * to the same player.
 */

export type RequestKind = "page" | "roles" | "team reads" | "pool reads" | "actions";
export type Sample = { kind: RequestKind; status: number | "no answer"; elapsedMs: number; code: string | null };

export type ActionKind =
  | "profile"
  | "create"
  | "request"
  | "withdraw"
  | "approve"
  | "decline"
  | "leave"
  | "looking"
  | "offer"
  | "offer withdraw"
  | "offer decline"
  | "offer accept";
export type ActionRecord = {
  kind: ActionKind;
  actorId: string;
  teamId: string | null;
  targetId: string | null;
  /** Both copies of a double submit share a pair id. */
  pair: number | null;
  /** Two acceptances of one player's offers from two teams, sent at once, share a race id. */
  race: number | null;
  status: number | "no answer";
  code: string | null;
  applied: boolean | null;
  /** The team the answer names (the new team's id for a create). */
  answeredTeamId: string | null;
  gamerTag: string | null;
  /** What a pool switch asked for (null for other kinds). */
  looking: boolean | null;
  /** When the answer came (or the request gave up), epoch milliseconds. */
  answeredAt: number;
};

/** Pool pages read, and the players a page listed that its filters or search should have left out. */
export type PoolReads = { pages: number; unreadable: number; outsideFilters: string[] };

export type ScenarioResult = { samples: Sample[]; actions: ActionRecord[]; poolReads: PoolReads; startedAt: number; endedAt: number };

type TeamView = { name: string; managerId: string; members: Set<string>; requests: Set<string>; offers: Set<string> };

/** Letters no other letter (or pair) looks like, so tags made from them never clash as look-alikes (I/L, O, RN/M, VV/W are out). */
const distinctLetters = "ABCDEFGHJKPQSTUXYZ";

/** A tag per team of a run, unique by look-alike skeleton: "L" and the team's number in base 18, three letters. */
function distinctTag(teamNumber: number): string {
  let tag = "";
  for (let rest = teamNumber, digit = 0; digit < 3; digit += 1, rest = Math.floor(rest / distinctLetters.length)) tag = (distinctLetters[rest % distinctLetters.length] ?? "A") + tag;
  return `L${tag}`;
}

const actionAnswer = z.object({ ok: z.literal(true), applied: z.boolean(), teamId: z.string().nullable() });
const errorAnswer = z.object({ error: z.string() });

/**
 * Discord calls each action makes with the bot token: member reads, role
 * changes, roles created. Offers, their answers short of an acceptance and
 * the pool switch are judged from what is known and touch no Discord.
 */
const discordCost: Record<ActionKind, [number, number, number]> = {
  profile: [1, 0, 0],
  create: [1, 3, 1],
  request: [1, 0, 0],
  withdraw: [0, 0, 0],
  approve: [2, 3, 0],
  decline: [1, 0, 0],
  leave: [1, 3, 0],
  looking: [0, 0, 0],
  offer: [0, 0, 0],
  "offer withdraw": [0, 0, 0],
  "offer decline": [0, 0, 0],
  "offer accept": [1, 3, 0],
};

/**
 * The pool switch and offers short of an acceptance spend none of the bot's
 * budget: they go in a lane of their own. (Withdrawing a join request costs
 * none either, but stays in the budgeted lane with the requests it answers.)
 */
const freeLane = new Set<ActionKind>(["looking", "offer", "offer withdraw", "offer decline"]);

const routes: Record<ActionKind, { method: string; path: string }> = {
  profile: { method: "POST", path: "/api/profile" },
  create: { method: "POST", path: "/api/teams" },
  request: { method: "POST", path: "/api/teams/requests" },
  withdraw: { method: "DELETE", path: "/api/teams/requests" },
  approve: { method: "POST", path: "/api/teams/requests/approve" },
  decline: { method: "POST", path: "/api/teams/requests/decline" },
  leave: { method: "DELETE", path: "/api/teams/members" },
  looking: { method: "PUT", path: "/api/pool/me" },
  offer: { method: "POST", path: "/api/offers" },
  "offer withdraw": { method: "DELETE", path: "/api/offers" },
  "offer decline": { method: "POST", path: "/api/offers/decline" },
  "offer accept": { method: "POST", path: "/api/offers/accept" },
};

type Planned = {
  kind: ActionKind;
  actor: CookieUser;
  teamId: string | null;
  targetId: string | null;
  body: Record<string, string | boolean>;
  gamerTag: string | null;
  /** An acceptance sent at once with this one, for another team's offer to the same player. */
  rival: Planned | null;
};

const platformChoices = ["playstation", "xbox", "pc"] as const;
const positionChoices = ["GK", "DEF", "MID", "FWD"] as const;
const countryChoices = ["NG", "GH", "ZA", "KE", "EG"] as const;

type PoolFilter = { platform?: string; position?: string; country?: string; q?: string };

/** What the page a filter asks for may list: the player's own answers match it, or the search finds the tag or the name. */
function withinFilter(player: { gamerTag: string; name: string; platform: string; position: string; country: string }, filter: PoolFilter): boolean {
  if (filter.platform !== undefined && player.platform !== filter.platform) return false;
  if (filter.position !== undefined && player.position !== filter.position) return false;
  if (filter.country !== undefined && player.country !== filter.country) return false;
  const needle = filter.q?.toLowerCase();
  return needle === undefined || player.gamerTag.toLowerCase().includes(needle) || player.name.toLowerCase().includes(needle);
}

export async function runScenario(options: { client: HttpClient; instanceUrls: readonly string[]; users: readonly CookieUser[]; profile: LoadProfile; runId: string }): Promise<ScenarioResult> {
  const { client, instanceUrls, users, profile } = options;
  const samples: Sample[] = [];
  const actions: ActionRecord[] = [];
  const poolReads: PoolReads = { pages: 0, unreadable: 0, outsideFilters: [] };
  const startedAt = Date.now();
  const endsAt = startedAt + profile.durationMs;

  // The generator's view of the world, from the answers it got; it only chooses plausible actions.
  const teams = new Map<string, TeamView>();
  const teamOf = new Map<string, string>();
  const pendingOf = new Map<string, Set<string>>();
  /** Teams with an open offer to each player. */
  const offersTo = new Map<string, Set<string>>();
  /** Users with a saved profile, and those the pool lists. */
  const profiled = new Set<string>();
  const looking = new Set<string>();
  /** Players each manager's last pool page listed without an offer from their team. */
  const foundBy = new Map<string, string[]>();
  const busy = new Set<string>();
  /** Users the server says are in a team the generator did not see them join: left alone. */
  const outOfPlay = new Set<string>();
  const fullTeams = new Set<string>();
  const actedAt = new Map<string, number[]>();
  let creating = 0;
  let teamsNamed = 0;
  let pairs = 0;
  let races = 0;

  const instance = () => pick(instanceUrls) ?? "";
  const publicOrigin = new URL(instanceUrls[0] ?? "http://127.0.0.1").origin;

  async function send(kind: RequestKind, method: string, url: string, user: CookieUser, body?: string): Promise<{ status: number | "no answer"; body: string }> {
    const headers: Record<string, string> = { cookie: user.cookie };
    if (kind === "page") headers.accept = "text/html";
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      // Browsers send the public origin, whichever instance the load balancer picks.
      headers.origin = publicOrigin;
    }
    try {
      const answer = await client.send(method, url, { headers, body });
      let code: string | null = null;
      if (answer.status >= 400) code = errorAnswer.safeParse(safeJson(answer.body)).data?.error ?? null;
      samples.push({ kind, status: answer.status, elapsedMs: answer.elapsedMs, code });
      return { status: answer.status, body: answer.body };
    } catch {
      samples.push({ kind, status: "no answer", elapsedMs: Number.NaN, code: null });
      return { status: "no answer", body: "" };
    }
  }

  // --- tabs ---------------------------------------------------------------

  const isManager = (user: CookieUser) => {
    const teamId = teamOf.get(user.userId);
    return teamId !== undefined && teams.get(teamId)?.managerId === user.userId;
  };

  /** The first page as it comes, or one of four filters and searches (config.ts, poolBrowsing). */
  function poolFilter(): PoolFilter {
    const roll = Math.random() - (1 - poolBrowsing.filteredShare);
    if (roll < 0) return {};
    const part = poolBrowsing.filteredShare / 4;
    if (roll < part) return { platform: pick(platformChoices) ?? "pc" };
    if (roll < 2 * part) return { position: pick(positionChoices) ?? "MID" };
    if (roll < 3 * part) return { country: pick(countryChoices) ?? "NG", platform: pick(platformChoices) ?? "pc" };
    return { q: `Load_${pick(users)?.index ?? 0}_` };
  }

  /** One pool page; a manager's page tells the generator whom they could offer a place. Every listed player must match the filter. */
  async function browsePool(user: CookieUser): Promise<void> {
    const filter = poolFilter();
    const query = new URLSearchParams(Object.entries(filter) as [string, string][]);
    const answer = await send("pool reads", "GET", `${instance()}/api/pool${query.size > 0 ? `?${query}` : ""}`, user);
    if (answer.status !== 200) return;
    const page = poolPageSchema.safeParse(safeJson(answer.body));
    if (!page.success) {
      poolReads.unreadable += 1;
      return;
    }
    poolReads.pages += 1;
    for (const player of page.data.players) if (!withinFilter(player, filter)) poolReads.outsideFilters.push(`${player.userId} (${player.gamerTag}, ${player.platform}, ${player.position}, ${player.country}) for ${query}`);
    if (page.data.offeringTeam !== null) foundBy.set(user.userId, page.data.players.filter((player) => !player.offered).map((player) => player.userId));
  }

  async function tab(user: CookieUser): Promise<void> {
    await sleep(Math.random() * profile.rampUpMs);
    await send("page", "GET", `${instance()}/`, user);
    let reloadAt = Date.now() + uniformMs(profile.reloadMinMs, profile.reloadMaxMs);
    let teamsReadAt = Date.now();
    let poolLookedAt = Date.now() - Math.random() * profile.poolEveryMs;
    for (;;) {
      const waitMs = uniformMs(profile.focusMinMs, profile.focusMaxMs);
      if (Date.now() + waitMs >= endsAt) return;
      await sleep(waitMs);
      if (Date.now() >= reloadAt) {
        await send("page", "GET", `${instance()}/`, user);
        reloadAt = Date.now() + uniformMs(profile.reloadMinMs, profile.reloadMaxMs);
        continue;
      }
      await send("roles", "GET", `${instance()}/api/roles`, user);
      if (Date.now() - teamsReadAt >= 15_000) {
        teamsReadAt = Date.now();
        await send("team reads", "GET", `${instance()}${teamOf.has(user.userId) ? "/api/teams/mine" : "/api/teams"}`, user);
      }
      if (Date.now() - poolLookedAt >= profile.poolEveryMs) {
        poolLookedAt = Date.now();
        if (isManager(user) || (!teamOf.has(user.userId) && Math.random() < poolBrowsing.freeAgentShare)) await browsePool(user);
      }
    }
  }

  // --- actions ------------------------------------------------------------

  const share = discordBudget.shareOfBudget;
  const reads = tokenBucket(discordBudget.memberReadsPerSecond * share, discordBudget.memberReadsBurst);
  const changes = tokenBucket(discordBudget.roleChangesPerSecond * share, discordBudget.roleChangesBurst);
  const creates = tokenBucket(discordBudget.roleCreatesPerSecond * share, discordBudget.roleCreatesBurst);
  const freeClicks = tokenBucket(freeActionPace.perSecond, freeActionPace.burst);

  function mayAct(user: CookieUser): boolean {
    if (busy.has(user.userId)) return false;
    const recent = (actedAt.get(user.userId) ?? []).filter((at) => Date.now() - at < 61_000);
    actedAt.set(user.userId, recent);
    return recent.length + 2 <= perUserPerMinute.actions;
  }

  const isFree = (user: CookieUser) => !teamOf.has(user.userId) && !outOfPlay.has(user.userId);
  const freeUsers = () => users.filter((user) => isFree(user) && mayAct(user));
  const byId = new Map(users.map((user) => [user.userId, user]));
  const hasRoom = (teamId: string) => (teams.get(teamId)?.members.size ?? rosterMax) < rosterMax && !fullTeams.has(teamId);
  const managerOf = (team: TeamView) => {
    const manager = byId.get(team.managerId);
    return manager && mayAct(manager) ? manager : undefined;
  };

  type Candidate = { kind: ActionKind; weight: number; plan: () => Planned | null };

  function teamCandidates(): Candidate[] {
    const list: Candidate[] = [];
    const openTeams = [...teams].filter(([teamId]) => hasRoom(teamId));
    if (teams.size + creating < profile.teamsMax) {
      list.push({
        kind: "create",
        weight: 4,
        plan: () => {
          // Pending requests or not: creating a team takes them all back.
          const actor = pick(freeUsers());
          if (!actor) return null;
          teamsNamed += 1;
          const name = `Load ${options.runId} ${String.fromCharCode(65 + (teamsNamed % 26))}${teamsNamed}`;
          return { kind: "create", actor, teamId: null, targetId: null, body: { name, tag: distinctTag(teamsNamed) }, gamerTag: null, rival: null };
        },
      });
    }
    if (openTeams.length > 0) {
      list.push({
        kind: "request",
        weight: 5,
        plan: () => {
          const actor = pick(freeUsers().filter((user) => (pendingOf.get(user.userId)?.size ?? 0) < 3));
          const team = actor && pick(openTeams.filter(([, view]) => !view.requests.has(actor.userId)));
          if (!actor || !team) return null;
          return { kind: "request", actor, teamId: team[0], targetId: actor.userId, body: { teamId: team[0] }, gamerTag: null, rival: null };
        },
      });
    }
    const withRequests = [...teams].filter(([, team]) => team.requests.size > 0);
    for (const [kind, weight] of [["approve", 4], ["decline", 1]] as const) {
      if (withRequests.length === 0) break;
      list.push({
        kind,
        weight,
        plan: () => {
          const entry = pick(withRequests.filter(([, team]) => managerOf(team) !== undefined));
          if (!entry) return null;
          const [teamId, team] = entry;
          const targetId = pick([...team.requests]);
          const actor = byId.get(team.managerId);
          if (!actor || !targetId) return null;
          return { kind, actor, teamId, targetId, body: { teamId, userId: targetId }, gamerTag: null, rival: null };
        },
      });
    }
    list.push({
      kind: "withdraw",
      weight: 1.5,
      plan: () => {
        const actor = pick(users.filter((user) => (pendingOf.get(user.userId)?.size ?? 0) > 0 && mayAct(user)));
        const teamId = actor && pick([...(pendingOf.get(actor.userId) ?? [])]);
        if (!actor || !teamId) return null;
        return { kind: "withdraw", actor, teamId, targetId: actor.userId, body: { teamId }, gamerTag: null, rival: null };
      },
    });
    list.push({
      kind: "leave",
      weight: 1,
      plan: () => {
        const actor = pick(users.filter((user) => teamOf.has(user.userId) && !isManager(user) && mayAct(user)));
        const teamId = actor && teamOf.get(actor.userId);
        if (!actor || !teamId) return null;
        return { kind: "leave", actor, teamId, targetId: actor.userId, body: { teamId, userId: actor.userId }, gamerTag: null, rival: null };
      },
    });
    list.push({
      kind: "profile",
      weight: 3,
      plan: () => {
        const actor = pick(users.filter(mayAct));
        if (!actor) return null;
        const gamerTag = `Load_${actor.index}_${Math.floor(Math.random() * 1e6)}`;
        return {
          kind: "profile",
          actor,
          teamId: null,
          targetId: actor.userId,
          body: { gamerTag, platform: pick(platformChoices) ?? "pc", eaFcId: `ea.${actor.index}`, country: pick(countryChoices) ?? "NG", position: pick(positionChoices) ?? "MID" },
          gamerTag,
          rival: null,
        };
      },
    });
    return list;
  }

  /** The pool switch, and offers: made to players a manager found in the pool, withdrawn, declined, accepted. */
  function poolCandidates(): Candidate[] {
    const list: Candidate[] = [];
    const switchTo = (actor: CookieUser | undefined, on: boolean): Planned | null =>
      actor ? { kind: "looking", actor, teamId: null, targetId: actor.userId, body: { looking: on }, gamerTag: null, rival: null } : null;
    list.push({ kind: "looking", weight: 3, plan: () => switchTo(pick(freeUsers().filter((user) => profiled.has(user.userId) && !looking.has(user.userId))), true) });
    list.push({ kind: "looking", weight: 0.3, plan: () => switchTo(pick(freeUsers().filter((user) => looking.has(user.userId))), false) });
    const offering = [...teams].filter(([teamId, team]) => hasRoom(teamId) && (foundBy.get(team.managerId)?.length ?? 0) > 0);
    if (offering.length > 0) {
      list.push({
        kind: "offer",
        weight: 4,
        plan: () => {
          const entry = pick(offering.filter(([, team]) => managerOf(team) !== undefined));
          if (!entry) return null;
          const [teamId, team] = entry;
          const actor = byId.get(team.managerId);
          const found = (foundBy.get(team.managerId) ?? []).flatMap((userId) => byId.get(userId) ?? []);
          const player = pick(found.filter((user) => isFree(user) && looking.has(user.userId) && !busy.has(user.userId) && !team.offers.has(user.userId)));
          if (!actor || !player) return null;
          return { kind: "offer", actor, teamId, targetId: player.userId, body: { teamId, userId: player.userId }, gamerTag: null, rival: null };
        },
      });
    }
    const withOffers = [...teams].filter(([, team]) => team.offers.size > 0);
    if (withOffers.length > 0) {
      list.push({
        kind: "offer withdraw",
        weight: 0.7,
        plan: () => {
          const entry = pick(withOffers.filter(([, team]) => managerOf(team) !== undefined));
          const targetId = entry && pick([...entry[1].offers].filter((userId) => !busy.has(userId)));
          const actor = entry && byId.get(entry[1].managerId);
          if (!entry || !actor || !targetId) return null;
          return { kind: "offer withdraw", actor, teamId: entry[0], targetId, body: { teamId: entry[0], userId: targetId }, gamerTag: null, rival: null };
        },
      });
    }
    const offered = users.filter((user) => (offersTo.get(user.userId)?.size ?? 0) > 0);
    if (offered.length > 0) {
      list.push({
        kind: "offer decline",
        weight: 1,
        plan: () => {
          const actor = pick(offered.filter(mayAct));
          const teamId = actor && pick([...(offersTo.get(actor.userId) ?? [])]);
          if (!actor || !teamId) return null;
          return { kind: "offer decline", actor, teamId, targetId: actor.userId, body: { teamId }, gamerTag: null, rival: null };
        },
      });
      list.push({
        kind: "offer accept",
        weight: 5,
        plan: () => {
          const actor = pick(offered.filter((user) => isFree(user) && mayAct(user)));
          const teamIds = actor ? [...(offersTo.get(actor.userId) ?? [])].filter(hasRoom) : [];
          const teamId = pick(teamIds);
          if (!actor || !teamId) return null;
          const accept = (id: string, rival: Planned | null): Planned => ({ kind: "offer accept", actor, teamId: id, targetId: actor.userId, body: { teamId: id }, gamerTag: null, rival });
          const rivalTeamId = teamIds.length > 1 && Math.random() < acceptRaceShare ? pick(teamIds.filter((id) => id !== teamId)) : undefined;
          return accept(teamId, rivalTeamId === undefined ? null : accept(rivalTeamId, null));
        },
      });
    }
    return list;
  }

  type Lane = "discord" | "free";

  function choose(lane: Lane): Planned | null {
    const list = [...teamCandidates(), ...poolCandidates()].filter((candidate) => freeLane.has(candidate.kind) === (lane === "free"));
    for (let attempt = 0; attempt < 5 && list.length > 0; attempt += 1) {
      const total = list.reduce((sum, entry) => sum + entry.weight, 0);
      let roll = Math.random() * total;
      const chosen = list.find((entry) => (roll -= entry.weight) < 0) ?? list[list.length - 1];
      const planned = chosen?.plan();
      if (planned) return planned;
    }
    return null;
  }

  function dropOffer(teamId: string, userId: string): void {
    teams.get(teamId)?.offers.delete(userId);
    offersTo.get(userId)?.delete(teamId);
  }

  /** A player on a roster: their requests and every offer to them are gone, and they left the pool. */
  function joined(userId: string, teamId: string): void {
    for (const other of pendingOf.get(userId) ?? []) teams.get(other)?.requests.delete(userId);
    pendingOf.delete(userId);
    for (const other of offersTo.get(userId) ?? []) teams.get(other)?.offers.delete(userId);
    offersTo.delete(userId);
    looking.delete(userId);
    teams.get(teamId)?.members.add(userId);
    teamOf.set(userId, teamId);
  }

  function learnRefusal(planned: Planned, answer: ActionRecord): void {
    const { actor, teamId, targetId } = planned;
    // A refusal tells the generator its view was stale: forget what it believed.
    if (teamId && targetId && (answer.code === "in_team" || answer.code === "no_request")) teams.get(teamId)?.requests.delete(targetId);
    if (teamId && targetId && (answer.code === "no_offer" || answer.code === "offer_expired")) dropOffer(teamId, targetId);
    if (answer.code === "not_looking" && targetId) looking.delete(targetId);
    if (answer.code === "in_team") {
      // Who is in a team the generator did not see: the player an offer was for, or the actor themselves.
      const subject = planned.kind === "offer" ? targetId : planned.kind === "approve" ? null : actor.userId;
      if (subject && !teamOf.has(subject)) outOfPlay.add(subject);
    }
    if (answer.code === "full" && teamId) fullTeams.add(teamId);
  }

  function learn(planned: Planned, answer: ActionRecord): void {
    const { actor, teamId, targetId } = planned;
    if (answer.status !== 200) return learnRefusal(planned, answer);
    switch (planned.kind) {
      case "create":
        if (answer.answeredTeamId) {
          for (const other of pendingOf.get(actor.userId) ?? []) teams.get(other)?.requests.delete(actor.userId);
          teams.set(answer.answeredTeamId, { name: String(planned.body.name ?? ""), managerId: actor.userId, members: new Set([actor.userId]), requests: new Set(), offers: new Set() });
          teamOf.set(actor.userId, answer.answeredTeamId);
          pendingOf.delete(actor.userId);
        }
        break;
      case "request":
        if (teamId) {
          teams.get(teamId)?.requests.add(actor.userId);
          pendingOf.set(actor.userId, new Set([...(pendingOf.get(actor.userId) ?? []), teamId]));
        }
        break;
      case "withdraw":
      case "decline":
        if (teamId && targetId) {
          teams.get(teamId)?.requests.delete(targetId);
          pendingOf.get(targetId)?.delete(teamId);
        }
        break;
      case "approve":
      case "offer accept":
        if (teamId && targetId) joined(targetId, teamId);
        break;
      case "leave":
        if (teamId) {
          teams.get(teamId)?.members.delete(actor.userId);
          teamOf.delete(actor.userId);
        }
        break;
      case "profile":
        profiled.add(actor.userId);
        break;
      case "looking":
        if (planned.body.looking === true) looking.add(actor.userId);
        else looking.delete(actor.userId);
        break;
      case "offer":
        if (teamId && targetId) {
          teams.get(teamId)?.offers.add(targetId);
          offersTo.set(targetId, new Set([...(offersTo.get(targetId) ?? []), teamId]));
        }
        break;
      case "offer withdraw":
      case "offer decline":
        if (teamId && targetId) dropOffer(teamId, targetId);
        break;
    }
  }

  /** Sends one copy of an action, to the given instance or any. */
  async function perform(planned: Planned, instanceUrl: string): Promise<ActionRecord> {
    const route = routes[planned.kind];
    const answer = await send("actions", route.method, `${instanceUrl}${route.path}`, planned.actor, JSON.stringify(planned.body));
    const parsed = answer.status === 200 ? actionAnswer.safeParse(safeJson(answer.body)).data : undefined;
    const record: ActionRecord = {
      kind: planned.kind,
      actorId: planned.actor.userId,
      teamId: planned.teamId,
      targetId: planned.targetId,
      pair: null,
      race: null,
      status: answer.status,
      code: answer.status === 200 ? null : (errorAnswer.safeParse(safeJson(answer.body)).data?.error ?? null),
      applied: parsed?.applied ?? null,
      answeredTeamId: parsed?.teamId ?? null,
      gamerTag: planned.gamerTag,
      looking: planned.kind === "looking" ? planned.body.looking === true : null,
      answeredAt: Date.now(),
    };
    actions.push(record);
    return record;
  }

  /** Applied answers first, so a refusal that came after another copy's success is read against the new state. */
  function learnAll(answers: readonly [Planned, ActionRecord][]): void {
    const rank = ([, record]: [Planned, ActionRecord]) => (record.status === 200 ? (record.applied ? 0 : 1) : 2);
    for (const [planned, record] of [...answers].sort((a, b) => rank(a) - rank(b))) learn(planned, record);
  }

  /** One action, a double click (the same action to every instance at once), or two acceptances racing. */
  async function act(planned: Planned, double: boolean): Promise<void> {
    const involved = [planned.actor.userId, ...(planned.targetId ? [planned.targetId] : [])];
    for (const userId of involved) busy.add(userId);
    const stamps = actedAt.get(planned.actor.userId) ?? [];
    for (let copy = 0; copy < (double ? instanceUrls.length : planned.rival ? 2 : 1); copy += 1) stamps.push(Date.now());
    actedAt.set(planned.actor.userId, stamps);
    if (planned.kind === "create") creating += 1;
    try {
      if (planned.rival) {
        races += 1;
        const rival = planned.rival;
        const records = await Promise.all([perform(planned, instanceUrls[0] ?? instance()), perform(rival, instanceUrls[1] ?? instance())]);
        for (const record of records) record.race = races;
        learnAll([
          [planned, records[0]],
          [rival, records[1]],
        ]);
      } else if (double) {
        pairs += 1;
        const records = await Promise.all(instanceUrls.map((url) => perform(planned, url)));
        for (const record of records) record.pair = pairs;
        const first = records[0] as ActionRecord;
        learn(planned, records.find((record) => record.status === 200 && record.applied) ?? records.find((record) => record.status === 200) ?? first);
      } else {
        learn(planned, await perform(planned, instance()));
      }
    } finally {
      if (planned.kind === "create") creating -= 1;
      for (const userId of involved) busy.delete(userId);
    }
  }

  /** Whether what a plan relied on still holds: the other lane may have answered the same request or offer while this one waited for its budget. */
  function stillPlausible(planned: Planned): boolean {
    const { actor, teamId, targetId } = planned;
    if (teamId === null) return true;
    switch (planned.kind) {
      case "approve":
      case "decline":
        return targetId !== null && (teams.get(teamId)?.requests.has(targetId) ?? false);
      case "withdraw":
        return pendingOf.get(actor.userId)?.has(teamId) ?? false;
      case "offer withdraw":
      case "offer decline":
        return targetId !== null && (offersTo.get(targetId)?.has(teamId) ?? false);
      case "offer accept":
        return isFree(actor) && [teamId, ...(planned.rival?.teamId ? [planned.rival.teamId] : [])].every((id) => offersTo.get(actor.userId)?.has(id) ?? false);
      default:
        return true;
    }
  }

  /**
   * Admits one action of its lane at a time, within the Discord budget (or
   * the free lane's pace) until the run ends, then waits for the last answers.
   */
  async function actionLoop(lane: Lane): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    await sleep(Math.min(profile.rampUpMs, 3_000));
    while (Date.now() < endsAt) {
      const planned = choose(lane);
      if (!planned) {
        await sleep(200);
        continue;
      }
      const double = planned.rival === null && Math.random() < doubleSubmitShare;
      const [readCost, changeCost, createCost] = discordCost[planned.kind];
      const copies = double || planned.rival ? instanceUrls.length : 1;
      const affordable = () => (lane === "free" ? freeClicks.has(copies) : reads.has(readCost * copies) && changes.has(changeCost) && creates.has(createCost));
      while (!affordable() && Date.now() < endsAt) await sleep(50);
      if (Date.now() >= endsAt) break;
      // The wait may have let another action take one of these users, or answer what the plan answers.
      if (busy.has(planned.actor.userId) || (planned.targetId !== null && busy.has(planned.targetId)) || !stillPlausible(planned)) continue;
      if (lane === "free") {
        freeClicks.take(copies);
      } else {
        reads.take(readCost * copies);
        changes.take(changeCost);
        creates.take(createCost);
      }
      const running = act(planned, double);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    }
    await Promise.allSettled([...inFlight]);
  }

  await Promise.all([...users.map(tab), actionLoop("discord"), actionLoop("free")]);
  return { samples, actions, poolReads, startedAt, endedAt: Date.now() };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
