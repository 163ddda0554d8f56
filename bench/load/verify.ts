import type { Redis } from "ioredis";
import { z } from "zod";
import { requestStreamOf } from "@/lib/audit/streams";
import { productKeyspace } from "@/lib/actions/keys";
import { recordsReport } from "../../scripts/records/records-report";
import { fixture } from "../shared/fixture";
import { controlCall } from "../shared/http";
import { sleep } from "../shared/kit";
import type { CookieUser } from "../shared/users";
import { announcementChecks, waitForOutbox } from "./announcements";
import { rosterMax } from "./config";
import type { ActionRecord, PoolReads } from "./scenario";

/**
 * After the run: is every action that answered "applied" applied exactly
 * once, and did every refusal change nothing? Checked three ways:
 * 1. answers against the audit log, which the commit scripts append in the
 *    same atomic step as the change: one entry per applied answer, none for
 *    an unchanged or refused one (lost: fewer; duplicated: more);
 * 2. the audit log replayed against what Redis holds (teams, managers,
 *    rosters, each user's team, pending requests, open offers from both
 *    sides, profiles), no roster above the maximum nor a player on two, and
 *    the free-agent pool as the last switch of each player left it;
 * 3. Redis against Discord (the emulator's guild): every user's roles and
 *    every team role, no role left behind by an undone action.
 * Then the transactions channel against the audit log (announcements.ts),
 * every pool page against its filters, every product record parsed by the
 * domain's own schemas, no journal left open, no lock held, and Discord
 * answered no 429.
 */

export type Check = { name: string; ok: boolean; detail: string };
export type Verification = { checks: Check[]; discord: DiscordCounts };
export type DiscordCounts = { requests: number; rateLimited: number; invalid: number; byRoute: Record<string, { requests: number; rateLimited: number }> };

const auditEntry = z.object({ at: z.number(), action: z.string(), actorId: z.string(), teamId: z.string().nullable(), targetId: z.string().nullable(), detail: z.string().nullable() });
type AuditEntry = z.infer<typeof auditEntry> & { json: string };
const personas = z.object({
  guild: z.object({ roles: z.array(z.object({ id: z.string(), name: z.string() })) }),
  personas: z.array(z.object({ id: z.string(), roles: z.array(z.string()) })),
});
const stats = z.object({ requests: z.number(), rateLimited: z.number(), invalid: z.number(), routes: z.record(z.string(), z.object({ requests: z.number(), rateLimited: z.number() })) });

const requestList = z.array(z.string());
const storedGamerTag = z.object({ gamerTag: z.string() });

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Declines an approval makes on its way to a refusal: the request was void (the player joined elsewhere or left). */
const cleanupDetails = new Set(["joined another team", "left the Discord server"]);

/** The audit action an applied answer writes; the pool switch writes none (its check is the pool itself). */
const auditActionOf: Record<ActionRecord["kind"], string | null> = {
  profile: "profile.save",
  create: "team.create",
  request: "team.request",
  withdraw: "team.withdraw",
  approve: "team.approve",
  decline: "team.decline",
  leave: "team.leave",
  looking: null,
  offer: "team.offer",
  "offer withdraw": "team.offer-withdraw",
  "offer decline": "team.offer-decline",
  "offer accept": "team.offer-accept",
};

const isAudited = (record: ActionRecord) => auditActionOf[record.kind] !== null;

function keyOf(action: string, actorId: string, teamId: string | null, targetId: string | null): string {
  return `${action} by ${actorId} on ${teamId ?? "-"} for ${targetId ?? "-"}`;
}

function answerKey(record: ActionRecord): string {
  const teamId = record.kind === "create" ? record.answeredTeamId : record.teamId;
  return keyOf(auditActionOf[record.kind] ?? record.kind, record.actorId, teamId, record.kind === "create" ? null : record.targetId);
}

function tally(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

function sample<T>(items: readonly T[], show: (item: T) => string): string {
  return items.length === 0 ? "" : `${items.slice(0, 3).map(show).join("; ")}${items.length > 3 ? ` and ${items.length - 3} more` : ""}`;
}

/** Both audit streams (actions, and join requests and withdrawals), merged in the order they were written. */
async function readAuditLog(redis: Redis, key: string): Promise<AuditEntry[]> {
  const streams = await Promise.all([key, requestStreamOf(key)].map((stream) => redis.xrange(stream, "-", "+")));
  const order = ([id]: [string, string[]]) => id.split("-").map(Number) as [number, number];
  const rows = streams.flat().sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  return rows.flatMap(([, fields]) => {
    const json = fields[fields.indexOf("entry") + 1] ?? "";
    const parsed = auditEntry.safeParse(safeJson(json));
    return parsed.success ? [{ ...parsed.data, json }] : [];
  });
}

/** Answers against the audit log: exactly one entry per applied answer, none for anything else. */
function matchAnswers(allActions: readonly ActionRecord[], audit: readonly AuditEntry[]): Check[] {
  const actions = allActions.filter(isAudited);
  const applied = tally(actions.filter((record) => record.status === 200 && record.applied === true).map(answerKey));
  const unknown = tally(actions.filter((record) => record.status === "no answer").map(answerKey));
  const cleanupAllowed = tally(
    actions.filter((record) => record.kind === "approve" && record.status === 409 && (record.code === "in_team" || record.code === "player_left_server")).map((record) => keyOf("team.decline", record.actorId, record.teamId, record.targetId)),
  );
  const cleanups = tally(audit.filter((entry) => entry.action === "team.decline" && cleanupDetails.has(entry.detail ?? "")).map((entry) => keyOf(entry.action, entry.actorId, entry.teamId, entry.targetId)));
  const logged = tally(audit.filter((entry) => !(entry.action === "team.decline" && cleanupDetails.has(entry.detail ?? ""))).map((entry) => keyOf(entry.action, entry.actorId, entry.teamId, entry.targetId)));

  const lost: string[] = [];
  const extra: string[] = [];
  for (const key of new Set([...applied.keys(), ...logged.keys()])) {
    const expected = applied.get(key) ?? 0;
    const found = logged.get(key) ?? 0;
    if (found < expected) lost.push(`${key} (${expected} applied, ${found} logged)`);
    if (found > expected + (unknown.get(key) ?? 0)) extra.push(`${key} (${expected} applied, ${found} logged)`);
  }
  const strayCleanups = [...cleanups].filter(([key, count]) => count > (cleanupAllowed.get(key) ?? 0)).map(([key]) => key);
  const appliedTotal = [...applied.values()].reduce((sum, count) => sum + count, 0);
  const refusals = actions.filter((record) => typeof record.status === "number" && record.status >= 400).length;
  const unchanged = actions.filter((record) => record.status === 200 && record.applied === false).length;
  return [
    { name: "every applied answer is in the audit log once (none lost)", ok: lost.length === 0, detail: lost.length === 0 ? `${appliedTotal} applied answers, each logged once` : sample(lost, String) },
    {
      name: "no refused or unchanged answer changed anything (none duplicated)",
      ok: extra.length === 0 && strayCleanups.length === 0,
      detail:
        extra.length + strayCleanups.length === 0
          ? `${refusals} refusals and ${unchanged} "already so" answers left no entry; ${[...cleanups.values()].reduce((a, b) => a + b, 0)} void requests dropped by refused approvals`
          : sample([...extra, ...strayCleanups], String),
    },
  ];
}

type Model = {
  teams: Map<string, { managerId: string; members: Set<string> }>;
  teamOf: Map<string, string>;
  pending: Map<string, Set<string>>;
  /** Teams with an open offer to each player. */
  offers: Map<string, Set<string>>;
  /** When each player last joined a roster (approved or accepting an offer), epoch milliseconds. */
  joinedAt: Map<string, number>;
  profiles: Set<string>;
};

/** The audit log replayed: the state the logged changes add up to. */
function replay(audit: readonly AuditEntry[]): Model {
  const model: Model = { teams: new Map(), teamOf: new Map(), pending: new Map(), offers: new Map(), joinedAt: new Map(), profiles: new Set() };
  const pendingOf = (userId: string) => model.pending.get(userId) ?? model.pending.set(userId, new Set()).get(userId) ?? new Set<string>();
  const offersOf = (userId: string) => model.offers.get(userId) ?? model.offers.set(userId, new Set()).get(userId) ?? new Set<string>();
  for (const entry of audit) {
    const teamId = entry.teamId ?? "";
    const target = entry.targetId ?? "";
    switch (entry.action) {
      case "profile.save":
        model.profiles.add(entry.actorId);
        break;
      case "team.create":
        model.teams.set(teamId, { managerId: entry.actorId, members: new Set([entry.actorId]) });
        model.teamOf.set(entry.actorId, teamId);
        model.pending.delete(entry.actorId);
        break;
      case "team.request":
        pendingOf(target).add(teamId);
        break;
      case "team.withdraw":
      case "team.decline":
        pendingOf(target).delete(teamId);
        break;
      case "team.approve":
      case "team.offer-accept":
        // A join drops the player's requests and every team's offer to them, and takes them out of the pool.
        model.teams.get(teamId)?.members.add(target);
        model.teamOf.set(target, teamId);
        model.pending.delete(target);
        model.offers.delete(target);
        model.joinedAt.set(target, entry.at);
        break;
      case "team.offer":
        offersOf(target).add(teamId);
        break;
      case "team.offer-withdraw":
      case "team.offer-decline":
        offersOf(target).delete(teamId);
        break;
      case "team.leave":
      case "team.remove":
        model.teams.get(teamId)?.members.delete(target);
        model.teamOf.delete(target);
        break;
      case "team.transfer": {
        const team = model.teams.get(teamId);
        if (team) team.managerId = target;
        break;
      }
      case "team.disband":
        for (const member of model.teams.get(teamId)?.members ?? []) model.teamOf.delete(member);
        model.teams.delete(teamId);
        for (const pending of model.pending.values()) pending.delete(teamId);
        for (const offers of model.offers.values()) offers.delete(teamId);
        break;
    }
  }
  return model;
}

async function compareRedis(redis: Redis, model: Model, actions: readonly ActionRecord[], users: readonly CookieUser[]): Promise<Check[]> {
  const keys = productKeyspace();
  const problems: string[] = [];
  const teamIds = await redis.zrange(keys.teamIndex, 0, "-1");
  if (!sameSet(teamIds, model.teams.keys())) problems.push(`teams ${teamIds.length} in Redis, ${model.teams.size} in the log`);
  for (const [teamId, team] of model.teams) {
    const managerId = await redis.hget(keys.team(teamId), "managerId");
    if (managerId !== team.managerId) problems.push(`team ${teamId}: manager ${managerId} in Redis, ${team.managerId} in the log`);
    const members = await redis.zrange(keys.members(teamId), 0, "-1");
    if (!sameSet(members, team.members)) problems.push(`team ${teamId}: roster [${members.join(", ")}] in Redis, [${[...team.members].join(", ")}] in the log`);
  }
  const userTeam = await redis.hgetall(keys.userTeam);
  if (!sameSet(Object.entries(userTeam).map((pair) => pair.join("=")), [...model.teamOf].map((pair) => pair.join("=")))) problems.push("the user-team index differs from the log");

  // Pending requests as the product shows them: a request counts unless its user is in a team.
  const userRequests = await redis.hgetall(keys.userRequests);
  for (const user of users) {
    const listed = requestList.safeParse(safeJson(userRequests[user.userId] ?? "[]")).data ?? [`unreadable: ${userRequests[user.userId]}`];
    const expected = model.teamOf.has(user.userId) ? [] : [...(model.pending.get(user.userId) ?? [])];
    if (!sameSet(listed, expected)) problems.push(`requests of ${user.userId}: [${listed.join(", ")}] listed, [${expected.join(", ")}] in the log`);
  }
  for (const teamId of model.teams.keys()) {
    const visible = (await redis.zrange(keys.requests(teamId), 0, "-1")).filter((userId) => userTeam[userId] === undefined);
    const expected = [...model.pending].filter(([userId, teams]) => teams.has(teamId) && !model.teamOf.has(userId)).map(([userId]) => userId);
    if (!sameSet(visible, expected)) problems.push(`requests shown to team ${teamId}: [${visible.join(", ")}], the log says [${expected.join(", ")}]`);
  }

  // The last applied profile of each user is the one stored.
  const lastProfile = new Map<string, string>();
  for (const record of actions) if (record.kind === "profile" && record.status === 200 && record.applied && record.gamerTag) lastProfile.set(record.actorId, record.gamerTag);
  for (const userId of model.profiles) {
    const raw = await redis.get(keys.profile(userId));
    const stored = raw === null ? null : (storedGamerTag.safeParse(safeJson(raw)).data?.gamerTag ?? "unreadable");
    const candidates = new Set(actions.filter((record) => record.kind === "profile" && record.actorId === userId && record.status === "no answer").map((record) => record.gamerTag));
    if (stored !== lastProfile.get(userId) && !candidates.has(stored ?? null)) problems.push(`profile of ${userId}: ${stored} stored, ${lastProfile.get(userId)} saved last`);
  }
  return [{ name: "Redis holds what the audit log adds up to", ok: problems.length === 0, detail: problems.length === 0 ? `${model.teams.size} teams, ${model.teamOf.size} players on rosters, ${model.profiles.size} profiles` : sample(problems, String) }];
}

/** Open offers as Redis holds them from both sides (the player's hash, each team's set) against the log. */
async function compareOffers(redis: Redis, model: Model, users: readonly CookieUser[]): Promise<Check[]> {
  const keys = productKeyspace();
  const problems: string[] = [];
  let open = 0;
  for (const user of users) {
    const stored = await redis.hkeys(keys.offers(user.userId));
    const expected = [...(model.offers.get(user.userId) ?? [])];
    open += stored.length;
    if (!sameSet(stored, expected)) problems.push(`offers to ${user.userId}: [${stored.join(", ")}] in Redis, [${expected.join(", ")}] in the log`);
  }
  for (const teamId of model.teams.keys()) {
    const stored = await redis.zrange(keys.teamOffers(teamId), 0, "-1");
    const expected = [...model.offers].filter(([, teams]) => teams.has(teamId)).map(([userId]) => userId);
    if (!sameSet(stored, expected)) problems.push(`offers of team ${teamId}: [${stored.join(", ")}] in Redis, [${expected.join(", ")}] in the log`);
  }
  return [{ name: "open offers in Redis are what the log adds up to (player's and team's side)", ok: problems.length === 0, detail: problems.length === 0 ? `${open} open offers` : sample(problems, String) }];
}

/** Straight from Redis, whatever the log says: no roster above the maximum, no player on two rosters, every raced acceptance placed its player once. */
async function compareRosters(redis: Redis, model: Model, actions: readonly ActionRecord[]): Promise<Check[]> {
  const keys = productKeyspace();
  const problems: string[] = [];
  const rosterOf = new Map<string, string[]>();
  let largest = 0;
  for (const teamId of await redis.zrange(keys.teamIndex, 0, "-1")) {
    const members = await redis.zrange(keys.members(teamId), 0, "-1");
    largest = Math.max(largest, members.length);
    if (members.length > rosterMax) problems.push(`team ${teamId}: ${members.length} players, the maximum is ${rosterMax}`);
    for (const userId of members) rosterOf.set(userId, [...(rosterOf.get(userId) ?? []), teamId]);
  }
  for (const [userId, teamIds] of rosterOf) if (teamIds.length > 1) problems.push(`${userId} on ${teamIds.length} rosters: ${teamIds.join(", ")}`);
  const races = new Map<number, ActionRecord[]>();
  for (const record of actions) if (record.race !== null) races.set(record.race, [...(races.get(record.race) ?? []), record]);
  for (const [race, records] of races) {
    const won = records.filter((record) => record.status === 200 && record.applied).length;
    if (won > 1) problems.push(`race ${race}: ${won} acceptances applied for ${records[0]?.actorId}`);
  }
  const detail = `largest roster ${largest} of ${rosterMax}; ${model.teamOf.size} players, each on one roster; ${races.size} raced acceptances, each placing its player once at most`;
  return [{ name: "no roster above its maximum, no player on two rosters", ok: problems.length === 0, detail: problems.length === 0 ? detail : sample(problems, String) }];
}

/**
 * The pool as each player's last switch left it: in after an "on" answer,
 * out after "off" or a later join. A player in a team they started may still
 * be listed (the next page read takes them out); an unanswered switch allows
 * either.
 */
async function comparePool(redis: Redis, model: Model, actions: readonly ActionRecord[], users: readonly CookieUser[]): Promise<Check[]> {
  const keys = productKeyspace();
  const problems: string[] = [];
  const inPool = new Set(await redis.hkeys(keys.pool));
  const switches = actions.filter((record) => record.kind === "looking").sort((a, b) => a.answeredAt - b.answeredAt);
  let judged = 0;
  for (const user of users) {
    const mine = switches.filter((record) => record.actorId === user.userId);
    const last = mine.filter((record) => record.status === 200).at(-1);
    const unsure = mine.some((record) => record.status === "no answer" && (last === undefined || record.answeredAt >= last.answeredAt));
    if (unsure) continue;
    const joinedAt = model.joinedAt.get(user.userId) ?? 0;
    const expected = last !== undefined && last.looking === true && joinedAt < last.answeredAt;
    const inTeam = model.teamOf.has(user.userId);
    const started = model.teams.get(model.teamOf.get(user.userId) ?? "")?.managerId === user.userId;
    judged += 1;
    if (expected && started) continue;
    if (inPool.has(user.userId) !== expected) problems.push(`${user.username}: ${inPool.has(user.userId) ? "in" : "not in"} the pool, last switch ${last?.looking ?? "none"}${inTeam ? ", in a team" : ""}`);
  }
  for (const userId of inPool) if (!users.some((user) => user.userId === userId)) problems.push(`${userId} in the pool, not a user of the run`);
  return [{ name: "the free-agent pool lists exactly who switched it on last and has not joined a team since", ok: problems.length === 0, detail: problems.length === 0 ? `${inPool.size} players looking; ${judged} users judged` : sample(problems, String) }];
}

function poolReadChecks(poolReads: PoolReads): Check[] {
  const ok = poolReads.unreadable === 0 && poolReads.outsideFilters.length === 0;
  return [
    {
      name: "every pool page parses and lists only players its filters and search keep",
      ok,
      detail: ok ? `${poolReads.pages} pages` : `${poolReads.unreadable} unreadable pages; ${sample(poolReads.outsideFilters, String)}`,
    },
  ];
}

async function compareDiscord(emulatorUrl: string, model: Model, users: readonly CookieUser[]): Promise<Check[]> {
  const guild = personas.parse(await controlCall(`${emulatorUrl}/__emulator/personas?all=1`));
  const rolesOf = new Map(guild.personas.map((persona) => [persona.id, persona.roles]));
  const ids = fixture.roles;
  const problems: string[] = [];
  for (const user of users) {
    const teamId = model.teamOf.get(user.userId);
    const expected = teamId === undefined ? [ids.updatedProfile, ids.freeAgent] : [ids.updatedProfile, teamId, model.teams.get(teamId)?.managerId === user.userId ? ids.teamManager : ids.player];
    const actual = rolesOf.get(user.userId) ?? [];
    if (!sameSet(actual, expected)) problems.push(`${user.username}: [${actual.join(", ")}] on Discord, [${expected.join(", ")}] by Redis`);
  }
  const known = new Set<string>([fixture.guildId, ...Object.values(ids)]);
  const fixtureRoles = new Set(["Lagos Lions", "Moderator", "SAFA Bot"]);
  const teamRoles = guild.guild.roles.filter((role) => !known.has(role.id) && !fixtureRoles.has(role.name)).map((role) => role.id);
  if (!sameSet(teamRoles, model.teams.keys())) problems.push(`team roles on Discord [${teamRoles.join(", ")}], teams in Redis [${[...model.teams.keys()].join(", ")}]`);
  return [{ name: "Discord agrees with Redis (every user's roles, one role per team, none left over)", ok: problems.length === 0, detail: problems.length === 0 ? `${users.length} members and ${teamRoles.length} team roles checked` : sample(problems, String) }];
}

/** Waits until no action lock is held (the last actions answered; their locks go with them), at most `timeoutMs`. */
async function settle(redis: Redis, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const locks = await redis.keys(productKeyspace().lock("*"));
    if (locks.length === 0 && (await redis.hlen(productKeyspace().journals)) === 0) return;
    await sleep(250);
  }
}

export async function verify(options: {
  redis: Redis;
  redisUrl: string;
  emulatorUrl: string;
  /** The transactions channel the app and the Gateway workers announce in. */
  channelId: string;
  /** How long the channel may take to catch up with the outbox. */
  drainWaitMs: number;
  progress: (message: string) => void;
  users: readonly CookieUser[];
  actions: readonly ActionRecord[];
  poolReads: PoolReads;
}): Promise<Verification> {
  const { redis, users, actions } = options;
  await settle(redis, 15_000);
  const drained = await waitForOutbox(redis, options.drainWaitMs, options.progress);
  const audit = await readAuditLog(redis, productKeyspace().audit);
  const model = replay(audit);
  const checks: Check[] = [
    ...matchAnswers(actions, audit),
    ...(await compareRedis(redis, model, actions, users)),
    ...(await compareOffers(redis, model, users)),
    ...(await compareRosters(redis, model, actions)),
    ...(await comparePool(redis, model, actions, users)),
    ...(await compareDiscord(options.emulatorUrl, model, users)),
    ...(await announcementChecks({ redis, emulatorUrl: options.emulatorUrl, channelId: options.channelId, auditEntries: audit.map((entry) => entry.json), waitedMs: drained.waitedMs })),
    ...poolReadChecks(options.poolReads),
  ];
  const report = await recordsReport({ redisUrl: options.redisUrl, prefix: "safa:", guildId: fixture.guildId, rosterMax });
  const total = Object.values(report.checked).reduce((sum, count) => sum + count, 0);
  checks.push({ name: "every product record parses with the domain's schemas", ok: report.problems.length === 0, detail: report.problems.length === 0 ? `${total} records` : sample(report.problems, (problem) => `${problem.key}: ${problem.problem}`) });
  checks.push({ name: "no action left half-done or holding a lock", ok: report.openJournals === 0 && report.liveLocks === 0, detail: `${report.openJournals} open journals, ${report.liveLocks} locks held` });
  const discord = stats.parse(await controlCall(`${options.emulatorUrl}/__emulator/stats`));
  checks.push({ name: "Discord answered no 429", ok: discord.rateLimited === 0, detail: `${discord.rateLimited} of ${discord.requests} requests` });
  return { checks, discord: { requests: discord.requests, rateLimited: discord.rateLimited, invalid: discord.invalid, byRoute: discord.routes } };
}
