import type { Redis } from "ioredis";
import { z } from "zod";
import type { ProductKeys } from "@/lib/actions/keys";
import { requestStreamOf } from "@/lib/audit/streams";
import { sleep } from "../shared/kit";
import { isSuccess, isUnsure, type HaActionKind, type HaRecord } from "./actions";
import type { StreamPair, StreamUser } from "./stream";

/**
 * After the stream and the settling pass: was every action answered
 * success applied exactly once, in Redis, on Discord and in the audit log?
 * 1. answers against the audit log (which each commit script appends in the
 *    same atomic step as the change): at least one entry per success (none
 *    lost), and no more than the successes plus the attempts whose outcome
 *    nobody was told (none duplicated);
 * 2. the audit log replayed against what Redis holds (each pair's team and
 *    roster, each user's team, pending requests, the last saved profile,
 *    the pool as the last switch left it);
 * 3. Discord (the emulator's guild) against Redis: every user's roles, and
 *    one role per team;
 * 4. no journal left open and no lock held.
 */

export type Check = { name: string; ok: boolean; detail: string };

export type GuildState = { guild: { roles: { id: string; name: string }[] }; personas: { id: string; roles: string[] }[] };

export type RoleIdsForCheck = { updatedProfile: string; freeAgent: string; player: string; teamManager: string };

export type VerifyOptions = {
  redis: Redis;
  keys: ProductKeys;
  guildState: () => Promise<GuildState>;
  roleIds: RoleIdsForCheck;
  /** Roles of the fixture guild that are not team roles made by the run. */
  fixtureRoleIds: ReadonlySet<string>;
  records: readonly HaRecord[];
  pairs: readonly StreamPair[];
  solos: readonly StreamUser[];
  /** How long locks may take to expire (a release lost in the switch leaves one for its lease). */
  settleWaitMs: number;
};

const auditEntry = z.object({ action: z.string(), actorId: z.string(), teamId: z.string().nullable(), targetId: z.string().nullable(), detail: z.string().nullable() });
type AuditEntry = z.infer<typeof auditEntry>;
const storedProfile = z.object({ gamerTag: z.string() });

const auditActionOf: Record<HaActionKind, string | null> = {
  profile: "profile.save",
  create: "team.create",
  request: "team.request",
  approve: "team.approve",
  leave: "team.leave",
  looking: null,
};

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

function sample(items: readonly string[]): string {
  return `${items.slice(0, 3).join("; ")}${items.length > 3 ? ` and ${items.length - 3} more` : ""}`;
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

/**
 * What identifies one change in the log: a profile save by its gamer tag
 * (each save of the stream has its own), a team's creation by its manager
 * (each creates one, and an unsure create has no team id to name), the
 * roster moves by action, team and player.
 */
function keyOf(action: string, actorId: string, teamId: string | null, targetId: string | null, detail: string | null): string {
  if (action === "profile.save") return `${action} by ${actorId} as ${detail ?? "-"}`;
  if (action === "team.create") return `${action} by ${actorId}`;
  return `${action} by ${actorId} on ${teamId ?? "-"} for ${targetId ?? "-"}`;
}

const recordKey = (record: HaRecord) => keyOf(auditActionOf[record.kind] ?? record.kind, record.actorId, record.teamId, record.targetId, record.gamerTag);

async function readAudit(redis: Redis, key: string): Promise<AuditEntry[]> {
  const streams = await Promise.all([key, requestStreamOf(key)].map((stream) => redis.xrange(stream, "-", "+")));
  // Merged in the order they were written: a stream id is `<ms>-<sequence>`.
  const order = ([id]: [string, string[]]) => id.split("-").map(Number) as [number, number];
  const rows = streams.flat().sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  return rows.flatMap(([, fields]) => {
    const parsed = auditEntry.safeParse(parseJson(fields[fields.indexOf("entry") + 1] ?? null));
    return parsed.success ? [parsed.data] : [];
  });
}

function matchAnswers(records: readonly HaRecord[], audit: readonly AuditEntry[]): Check[] {
  const audited = records.filter((record) => auditActionOf[record.kind] !== null);
  const applied = tally(audited.filter((record) => isSuccess(record) && record.applied === true).map(recordKey));
  const unsure = tally(audited.filter(isUnsure).map(recordKey));
  const logged = tally(audit.map((entry) => keyOf(entry.action, entry.actorId, entry.teamId, entry.targetId, entry.detail)));
  const lost: string[] = [];
  const duplicated: string[] = [];
  for (const key of new Set([...applied.keys(), ...logged.keys()])) {
    const expected = applied.get(key) ?? 0;
    const found = logged.get(key) ?? 0;
    if (found < expected) lost.push(`${key} (${expected} answered success, ${found} logged)`);
    if (found > expected + (unsure.get(key) ?? 0)) duplicated.push(`${key} (${expected} answered success, ${unsure.get(key) ?? 0} unsure, ${found} logged)`);
  }
  const successes = [...applied.values()].reduce((sum, count) => sum + count, 0);
  const unsureTotal = [...unsure.values()].reduce((sum, count) => sum + count, 0);
  return [
    { name: "every action answered success is in the audit log (none lost)", ok: lost.length === 0, detail: lost.length === 0 ? `${successes} successes, each logged` : sample(lost) },
    {
      name: "no change logged more often than answered (none duplicated)",
      ok: duplicated.length === 0,
      detail: duplicated.length === 0 ? `${audit.length} entries; ${unsureTotal} attempts of unknown outcome allowed for` : sample(duplicated),
    },
  ];
}

type Model = { teams: Map<string, { managerId: string; members: Set<string> }>; teamOf: Map<string, string>; pending: Map<string, Set<string>> };

function replay(audit: readonly AuditEntry[]): Model {
  const model: Model = { teams: new Map(), teamOf: new Map(), pending: new Map() };
  for (const entry of audit) {
    const teamId = entry.teamId ?? "";
    const target = entry.targetId ?? "";
    switch (entry.action) {
      case "team.create":
        model.teams.set(teamId, { managerId: entry.actorId, members: new Set([entry.actorId]) });
        model.teamOf.set(entry.actorId, teamId);
        model.pending.delete(entry.actorId);
        break;
      case "team.request":
        model.pending.set(target, new Set([...(model.pending.get(target) ?? []), teamId]));
        break;
      case "team.approve":
        model.teams.get(teamId)?.members.add(target);
        model.teamOf.set(target, teamId);
        model.pending.delete(target);
        break;
      case "team.leave":
        model.teams.get(teamId)?.members.delete(target);
        model.teamOf.delete(target);
        break;
    }
  }
  return model;
}

async function compareRedis(options: VerifyOptions, model: Model): Promise<Check[]> {
  const { redis, keys, records } = options;
  const problems: string[] = [];
  const teamIds = await redis.zrange(keys.teamIndex, 0, "-1");
  if (!sameSet(teamIds, model.teams.keys())) problems.push(`teams [${teamIds.join(", ")}] in Redis, [${[...model.teams.keys()].join(", ")}] in the log`);
  const userTeam = await redis.hgetall(keys.userTeam);
  for (const [teamId, team] of model.teams) {
    const managerId = await redis.hget(keys.team(teamId), "managerId");
    if (managerId !== team.managerId) problems.push(`team ${teamId}: manager ${managerId} in Redis, ${team.managerId} in the log`);
    const members = await redis.zrange(keys.members(teamId), 0, "-1");
    if (!sameSet(members, team.members)) problems.push(`team ${teamId}: roster [${members.join(", ")}] in Redis, [${[...team.members].join(", ")}] in the log`);
    // Pending requests as the product shows them: a request counts unless its user is in a team.
    const requests = (await redis.zrange(keys.requests(teamId), 0, "-1")).filter((userId) => userTeam[userId] === undefined);
    const expected = [...model.pending].filter(([userId, teams]) => teams.has(teamId) && !model.teamOf.has(userId)).map(([userId]) => userId);
    if (!sameSet(requests, expected)) problems.push(`team ${teamId}: requests [${requests.join(", ")}] in Redis, [${expected.join(", ")}] in the log`);
  }
  if (!sameSet(Object.entries(userTeam).map((pair) => pair.join("=")), [...model.teamOf].map((pair) => pair.join("=")))) problems.push("the user-team index differs from the log");

  // The stored profile is the last one answered success, or one sent after it whose outcome is unknown.
  const users = [...options.pairs.flatMap((pair) => [pair.manager, pair.player]), ...options.solos];
  let profiles = 0;
  for (const user of users) {
    const saves = records.filter((record) => record.kind === "profile" && record.actorId === user.userId).sort((a, b) => a.sentAt - b.sentAt);
    const last = saves.filter(isSuccess).at(-1);
    if (!last) continue;
    profiles += 1;
    const allowed = new Set([last.gamerTag, ...saves.filter((record) => isUnsure(record) && record.sentAt >= last.sentAt).map((record) => record.gamerTag)]);
    const stored = storedProfile.safeParse(parseJson(await redis.get(keys.profile(user.userId)))).data?.gamerTag ?? null;
    if (!allowed.has(stored)) problems.push(`profile of ${user.userId}: ${stored} stored, ${last.gamerTag} saved last`);
  }
  // The pool as each free agent's last answered switch left it, unless a later one's outcome is unknown.
  const inPool = new Set(await redis.hkeys(keys.pool));
  let judged = 0;
  for (const solo of options.solos) {
    const switches = records.filter((record) => record.kind === "looking" && record.actorId === solo.userId).sort((a, b) => a.sentAt - b.sentAt);
    const last = switches.filter(isSuccess).at(-1);
    if (switches.some((record) => isUnsure(record) && (last === undefined || record.sentAt >= last.sentAt))) continue;
    judged += 1;
    if (inPool.has(solo.userId) !== (last?.looking === true)) problems.push(`${solo.userId}: ${inPool.has(solo.userId) ? "in" : "not in"} the pool, last switch answered ${String(last?.looking ?? "none")}`);
  }
  return [
    {
      name: "Redis holds what the audit log and the answers add up to",
      ok: problems.length === 0,
      detail: problems.length === 0 ? `${model.teams.size} teams, ${model.teamOf.size} users on rosters, ${profiles} profiles, ${judged} free agents' pool switches` : sample(problems),
    },
  ];
}

async function compareDiscord(options: VerifyOptions, model: Model): Promise<Check[]> {
  const guild = await options.guildState();
  const rolesOf = new Map(guild.personas.map((persona) => [persona.id, persona.roles]));
  const ids = options.roleIds;
  const problems: string[] = [];
  const users = [...options.pairs.flatMap((pair) => [pair.manager, pair.player]), ...options.solos];
  for (const user of users) {
    const teamId = model.teamOf.get(user.userId);
    const expected = teamId === undefined ? [ids.updatedProfile, ids.freeAgent] : [ids.updatedProfile, teamId, model.teams.get(teamId)?.managerId === user.userId ? ids.teamManager : ids.player];
    const actual = rolesOf.get(user.userId) ?? [];
    if (!sameSet(actual, expected)) problems.push(`${user.userId}: [${actual.join(", ")}] on Discord, [${expected.join(", ")}] by Redis`);
  }
  const teamRoles = guild.guild.roles.filter((role) => !options.fixtureRoleIds.has(role.id)).map((role) => role.id);
  if (!sameSet(teamRoles, model.teams.keys())) problems.push(`team roles on Discord [${teamRoles.join(", ")}], teams in Redis [${[...model.teams.keys()].join(", ")}]`);
  return [
    {
      name: "Discord agrees with Redis (every user's roles, one role per team, none left over)",
      ok: problems.length === 0,
      detail: problems.length === 0 ? `${users.length} members and ${teamRoles.length} team roles` : sample(problems),
    },
  ];
}

/** Journals and locks left once the settling pass has run and any lease orphaned by the switch has run out. */
export async function openLeftovers(redis: Redis, keys: ProductKeys, waitMs: number): Promise<{ journals: number; locks: number }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const journals = await redis.hlen(keys.journals);
    const locks = (await redis.keys(keys.lock("*"))).length;
    if ((journals === 0 && locks === 0) || Date.now() > deadline) return { journals, locks };
    await sleep(500);
  }
}

export async function verify(options: VerifyOptions): Promise<{ checks: Check[]; leftovers: { journals: number; locks: number }; auditEntries: number }> {
  const leftovers = await openLeftovers(options.redis, options.keys, options.settleWaitMs);
  const audit = await readAudit(options.redis, options.keys.audit);
  const model = replay(audit);
  const checks = [
    ...matchAnswers(options.records, audit),
    ...(await compareRedis(options, model)),
    ...(await compareDiscord(options, model)),
    {
      name: "no journal left open, no lock held (after the settling pass)",
      ok: leftovers.journals === 0 && leftovers.locks === 0,
      detail: `${leftovers.journals} open journals, ${leftovers.locks} locks held`,
    },
  ];
  return { checks, leftovers, auditEntries: audit.length };
}
