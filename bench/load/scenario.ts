import { z } from "zod";
import type { HttpClient } from "../shared/http";
import { sleep } from "../shared/kit";
import { pick, uniformMs } from "../shared/stats";
import type { CookieUser } from "../shared/users";
import { discordBudget, doubleSubmitShare, perUserPerMinute, rosterMax, type LoadProfile } from "./config";
import { tokenBucket } from "./token-bucket";

/**
 * What 500 signed-in users do in the load test: arrive over the ramp-up with
 * a page load (GET /), refocus their tab every few seconds (GET /api/roles,
 * and the team list or their team when the last copy is 15 s old, as the
 * page's queries do), reload now and then, and act on teams: create, ask to
 * join, withdraw, approve, decline, leave, save their profile. Actions are
 * admitted within the bot's Discord budget (config.ts); some are sent
 * twice at once, one copy to each app instance.
 */

export type RequestKind = "page" | "roles" | "team reads" | "actions";
export type Sample = { kind: RequestKind; status: number | "no answer"; elapsedMs: number; code: string | null };

export type ActionKind = "profile" | "create" | "request" | "withdraw" | "approve" | "decline" | "leave";
export type ActionRecord = {
  kind: ActionKind;
  actorId: string;
  teamId: string | null;
  targetId: string | null;
  /** Both copies of a double submit share a pair id. */
  pair: number | null;
  status: number | "no answer";
  code: string | null;
  applied: boolean | null;
  /** The team the answer names (the new team's id for a create). */
  answeredTeamId: string | null;
  gamerTag: string | null;
};

export type ScenarioResult = { samples: Sample[]; actions: ActionRecord[]; startedAt: number; endedAt: number };

type TeamView = { name: string; managerId: string; members: Set<string>; requests: Set<string> };

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

/** Discord calls each action makes with the bot token: member reads, role changes, roles created. */
const discordCost: Record<ActionKind, [number, number, number]> = {
  profile: [1, 0, 0],
  create: [1, 3, 1],
  request: [1, 0, 0],
  withdraw: [0, 0, 0],
  approve: [2, 3, 0],
  decline: [1, 0, 0],
  leave: [1, 3, 0],
};

const routes: Record<ActionKind, { method: string; path: string }> = {
  profile: { method: "POST", path: "/api/profile" },
  create: { method: "POST", path: "/api/teams" },
  request: { method: "POST", path: "/api/teams/requests" },
  withdraw: { method: "DELETE", path: "/api/teams/requests" },
  approve: { method: "POST", path: "/api/teams/requests/approve" },
  decline: { method: "POST", path: "/api/teams/requests/decline" },
  leave: { method: "DELETE", path: "/api/teams/members" },
};

type Planned = { kind: ActionKind; actor: CookieUser; teamId: string | null; targetId: string | null; body: Record<string, string>; gamerTag: string | null };

export async function runScenario(options: { client: HttpClient; instanceUrls: readonly string[]; users: readonly CookieUser[]; profile: LoadProfile; runId: string }): Promise<ScenarioResult> {
  const { client, instanceUrls, users, profile } = options;
  const samples: Sample[] = [];
  const actions: ActionRecord[] = [];
  const startedAt = Date.now();
  const endsAt = startedAt + profile.durationMs;

  // The generator's view of the world, from the answers it got; it only chooses plausible actions.
  const teams = new Map<string, TeamView>();
  const teamOf = new Map<string, string>();
  const pendingOf = new Map<string, Set<string>>();
  const busy = new Set<string>();
  /** Users the server says are in a team the generator did not see them join: left alone. */
  const outOfPlay = new Set<string>();
  const fullTeams = new Set<string>();
  const actedAt = new Map<string, number[]>();
  let creating = 0;
  let teamsNamed = 0;
  let pairs = 0;

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

  async function tab(user: CookieUser): Promise<void> {
    await sleep(Math.random() * profile.rampUpMs);
    await send("page", "GET", `${instance()}/`, user);
    let reloadAt = Date.now() + uniformMs(profile.reloadMinMs, profile.reloadMaxMs);
    let teamsReadAt = Date.now();
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
    }
  }

  // --- actions ------------------------------------------------------------

  const share = discordBudget.shareOfBudget;
  const reads = tokenBucket(discordBudget.memberReadsPerSecond * share, discordBudget.memberReadsBurst);
  const changes = tokenBucket(discordBudget.roleChangesPerSecond * share, discordBudget.roleChangesBurst);
  const creates = tokenBucket(discordBudget.roleCreatesPerSecond * share, discordBudget.roleCreatesBurst);

  function mayAct(user: CookieUser): boolean {
    if (busy.has(user.userId)) return false;
    const recent = (actedAt.get(user.userId) ?? []).filter((at) => Date.now() - at < 61_000);
    actedAt.set(user.userId, recent);
    return recent.length + 2 <= perUserPerMinute.actions;
  }

  const isFree = (user: CookieUser) => !teamOf.has(user.userId) && !outOfPlay.has(user.userId);
  const freeUsers = () => users.filter((user) => isFree(user) && mayAct(user));
  const byId = new Map(users.map((user) => [user.userId, user]));

  function candidates(): { weight: number; plan: () => Planned | null }[] {
    const list: { weight: number; plan: () => Planned | null }[] = [];
    const openTeams = [...teams].filter(([teamId, team]) => team.members.size < rosterMax && !fullTeams.has(teamId));
    if (teams.size + creating < profile.teamsMax) {
      list.push({
        weight: 4,
        plan: () => {
          // Pending requests or not: creating a team takes them all back.
          const actor = pick(freeUsers());
          if (!actor) return null;
          teamsNamed += 1;
          const name = `Load ${options.runId} ${String.fromCharCode(65 + (teamsNamed % 26))}${teamsNamed}`;
          return { kind: "create", actor, teamId: null, targetId: null, body: { name, tag: distinctTag(teamsNamed) }, gamerTag: null };
        },
      });
    }
    if (openTeams.length > 0) {
      list.push({
        weight: 5,
        plan: () => {
          const actor = pick(freeUsers().filter((user) => (pendingOf.get(user.userId)?.size ?? 0) < 3));
          const team = actor && pick(openTeams.filter(([, view]) => !view.requests.has(actor.userId)));
          if (!actor || !team) return null;
          return { kind: "request", actor, teamId: team[0], targetId: actor.userId, body: { teamId: team[0] }, gamerTag: null };
        },
      });
    }
    const withRequests = [...teams].filter(([, team]) => team.requests.size > 0);
    for (const [kind, weight] of [["approve", 4], ["decline", 1]] as const) {
      if (withRequests.length === 0) break;
      list.push({
        weight,
        plan: () => {
          const entry = pick(withRequests.filter(([, team]) => byId.has(team.managerId) && mayAct(byId.get(team.managerId) as CookieUser)));
          if (!entry) return null;
          const [teamId, team] = entry;
          const targetId = pick([...team.requests]);
          const actor = byId.get(team.managerId);
          if (!actor || !targetId) return null;
          return { kind, actor, teamId, targetId, body: { teamId, userId: targetId }, gamerTag: null };
        },
      });
    }
    list.push({
      weight: 1.5,
      plan: () => {
        const actor = pick(users.filter((user) => (pendingOf.get(user.userId)?.size ?? 0) > 0 && mayAct(user)));
        const teamId = actor && pick([...(pendingOf.get(actor.userId) ?? [])]);
        if (!actor || !teamId) return null;
        return { kind: "withdraw", actor, teamId, targetId: actor.userId, body: { teamId }, gamerTag: null };
      },
    });
    list.push({
      weight: 1,
      plan: () => {
        const actor = pick(users.filter((user) => teamOf.has(user.userId) && teams.get(teamOf.get(user.userId) ?? "")?.managerId !== user.userId && mayAct(user)));
        const teamId = actor && teamOf.get(actor.userId);
        if (!actor || !teamId) return null;
        return { kind: "leave", actor, teamId, targetId: actor.userId, body: { teamId, userId: actor.userId }, gamerTag: null };
      },
    });
    list.push({
      weight: 1.5,
      plan: () => {
        const actor = pick(users.filter(mayAct));
        if (!actor) return null;
        const gamerTag = `Load_${actor.index}_${Math.floor(Math.random() * 1e6)}`;
        return {
          kind: "profile",
          actor,
          teamId: null,
          targetId: actor.userId,
          body: { gamerTag, platform: pick(["playstation", "xbox", "pc"]) ?? "pc", eaFcId: `ea.${actor.index}`, country: pick(["NG", "GH", "ZA", "KE", "EG"]) ?? "NG", position: pick(["GK", "DEF", "MID", "FWD"]) ?? "MID" },
          gamerTag,
        };
      },
    });
    return list;
  }

  function choose(): Planned | null {
    const list = candidates();
    for (let attempt = 0; attempt < 5 && list.length > 0; attempt += 1) {
      const total = list.reduce((sum, entry) => sum + entry.weight, 0);
      let roll = Math.random() * total;
      const chosen = list.find((entry) => (roll -= entry.weight) < 0) ?? list[list.length - 1];
      const planned = chosen?.plan();
      if (planned) return planned;
    }
    return null;
  }

  function learn(planned: Planned, answer: ActionRecord): void {
    const { actor, teamId, targetId } = planned;
    if (answer.status !== 200) {
      // A refusal tells the generator its view was stale: forget what it believed about this request.
      if (teamId && targetId && (answer.code === "in_team" || answer.code === "no_request")) teams.get(teamId)?.requests.delete(targetId);
      if (answer.code === "in_team" && planned.kind !== "approve") outOfPlay.add(actor.userId);
      if (answer.code === "full" && teamId) fullTeams.add(teamId);
      return;
    }
    switch (planned.kind) {
      case "create":
        if (answer.answeredTeamId) {
          for (const other of pendingOf.get(actor.userId) ?? []) teams.get(other)?.requests.delete(actor.userId);
          teams.set(answer.answeredTeamId, { name: planned.body.name ?? "", managerId: actor.userId, members: new Set([actor.userId]), requests: new Set() });
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
        if (teamId && targetId) {
          for (const other of pendingOf.get(targetId) ?? []) teams.get(other)?.requests.delete(targetId);
          pendingOf.delete(targetId);
          teams.get(teamId)?.members.add(targetId);
          teamOf.set(targetId, teamId);
        }
        break;
      case "leave":
        if (teamId) {
          teams.get(teamId)?.members.delete(actor.userId);
          teamOf.delete(actor.userId);
        }
        break;
      case "profile":
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
      status: answer.status,
      code: answer.status === 200 ? null : (errorAnswer.safeParse(safeJson(answer.body)).data?.error ?? null),
      applied: parsed?.applied ?? null,
      answeredTeamId: parsed?.teamId ?? null,
      gamerTag: planned.gamerTag,
    };
    actions.push(record);
    return record;
  }

  /** One action, or a double click: the same action to every instance at once. */
  async function act(planned: Planned, double: boolean): Promise<void> {
    const involved = [planned.actor.userId, ...(planned.targetId ? [planned.targetId] : [])];
    for (const userId of involved) busy.add(userId);
    const stamps = actedAt.get(planned.actor.userId) ?? [];
    for (let copy = 0; copy < (double ? instanceUrls.length : 1); copy += 1) stamps.push(Date.now());
    actedAt.set(planned.actor.userId, stamps);
    if (planned.kind === "create") creating += 1;
    try {
      if (double) {
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

  /** Admits one action at a time within the Discord budget until the run ends, then waits for the last answers. */
  async function actionLoop(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    await sleep(Math.min(profile.rampUpMs, 3_000));
    while (Date.now() < endsAt) {
      const planned = choose();
      if (!planned) {
        await sleep(200);
        continue;
      }
      const double = Math.random() < doubleSubmitShare;
      const [readCost, changeCost, createCost] = discordCost[planned.kind];
      const copies = double ? instanceUrls.length : 1;
      while ((!reads.has(readCost * copies) || !changes.has(changeCost) || !creates.has(createCost)) && Date.now() < endsAt) await sleep(50);
      if (Date.now() >= endsAt) break;
      // The wait may have let another action take one of these users.
      if (busy.has(planned.actor.userId) || (planned.targetId !== null && busy.has(planned.targetId))) continue;
      reads.take(readCost * copies);
      changes.take(changeCost);
      creates.take(createCost);
      const running = act(planned, double);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    }
    await Promise.allSettled([...inFlight]);
  }

  await Promise.all([...users.map(tab), actionLoop()]);
  return { samples, actions, startedAt, endedAt: Date.now() };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
