import type { Redis } from "ioredis";
import { z } from "zod";
import { readAuditStream } from "@/lib/audit/log";
import { storedOfferSchema } from "@/lib/offers/store";
import { decodePoolEntry } from "@/lib/pool/entry";
import { decodeIdentity } from "@/lib/identity/identity";
import { createProfileStore } from "@/lib/profile/store";
import { createRoleService } from "@/lib/roles/service";
import { commitSpecSchema } from "@/lib/actions/commit";
import { productKeyspace, teamTagKey } from "@/lib/actions/keys";
import { snowflakeSchema } from "@/lib/teams/input";
import { isOutboxCountField } from "@/lib/transactions/metrics";
import { teamPolicy } from "@/lib/teams/policy";
import { createTeamStore } from "@/lib/teams/store";
import { guildSnapshotSchema } from "@/lib/teams/team-role";
import { allRosters, rosterLockRecordSchema, seasonHashSchema } from "@/lib/tournament/records";
import { windowHashSchema } from "@/lib/tournament/window";

/**
 * Reads every record the product keeps in Redis (profiles, teams, rosters,
 * join requests, the indexes between them, journals, locks, the audit log,
 * the role cache) through the domain's own parsers, and lists each record
 * that does not parse or contradicts another. Used after hostile input,
 * crashes and load: whatever happened, Redis must hold only valid records.
 */

export type RecordProblem = { key: string; problem: string };

export type RecordReport = {
  /** Records read, by kind. */
  checked: Record<string, number>;
  problems: RecordProblem[];
  /** Actions whose Discord half is not settled yet (valid records, but worth a look after a quiet period). */
  openJournals: number;
  /** Action locks alive right now (each has a lease; none should outlive the actions that took them). */
  liveLocks: number;
};

export type RecordScope = {
  /** The team keyspace's prefix: `safa:` in the app, a random one in tests. */
  prefix: string;
  guildId: string;
  rosterMax?: number;
};

const userRequestsSchema = z.array(snowflakeSchema).min(1).max(teamPolicy.pendingRequestsPerUserMax);
const journalSchema = z.object({ id: z.string(), subjects: z.array(z.string()), commit: commitSpecSchema });

async function scanAll(redis: Redis, match: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", match, "COUNT", 1_000);
    for (const key of batch) found.add(key);
    cursor = next;
  } while (cursor !== "0");
  return [...found].sort();
}

/** A key that exists and will never expire. One that expired since the scan (PTTL -2) is not a problem. */
async function withoutExpiry(redis: Redis, key: string): Promise<boolean> {
  return (await redis.pttl(key)) === -1;
}

function parsesAs(schema: z.ZodType, raw: string): boolean {
  try {
    return schema.safeParse(JSON.parse(raw)).success;
  } catch {
    return false;
  }
}

/** Scored set entries as [member, score] pairs, whatever the protocol. */
async function scoredEntries(redis: Redis, key: string): Promise<[string, number][]> {
  const flat = await redis.zrange(key, 0, "-1", "WITHSCORES");
  const entries: [string, number][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) entries.push([flat[index] ?? "", Number(flat[index + 1])]);
  return entries;
}

export async function checkProductRecords(redis: Redis, scope: RecordScope): Promise<RecordReport> {
  const keys = productKeyspace(scope.prefix);
  const teams = createTeamStore(redis, keys);
  const profiles = createProfileStore(redis, keys);
  const unusedTokens = { accessToken: async () => "", refreshAfterUnauthorized: async () => "", endUserSessions: async () => 0, remove: async () => null };
  const roleCache = createRoleService({ redis, apiBase: "http://127.0.0.1:9/api/v10", guildId: scope.guildId, tokens: unusedTokens });
  const checked: Record<string, number> = {};
  const problems: RecordProblem[] = [];
  const count = (kind: string) => (checked[kind] = (checked[kind] ?? 0) + 1);
  const fail = (key: string, problem: string) => problems.push({ key, problem });

  const userTeam = await redis.hgetall(keys.userTeam);
  const userRequests = await redis.hgetall(keys.userRequests);
  const teamIndex = new Set(await redis.zrange(keys.teamIndex, 0, "-1"));
  const teamNames = await redis.hgetall(keys.teamNames);
  const disbanded = new Set(await redis.smembers(keys.disbandedRoles));
  let openJournals = 0;
  let liveLocks = 0;

  for (const key of await scanAll(redis, `${scope.prefix}*`)) {
    const rest = key.slice(scope.prefix.length);
    const profile = /^profile:(.+)$/.exec(rest);
    const team = /^team:([^:]+)$/.exec(rest);
    const roster = /^team:([^:]+):(members|requests)$/.exec(rest);
    if (profile) {
      count("profile");
      if (!snowflakeSchema.safeParse(profile[1]).success) fail(key, "profile of a user id that is not a snowflake");
      if ((await profiles.get(profile[1] ?? "")) === null) fail(key, "profile does not parse");
    } else if (team) {
      count("team");
      const teamId = team[1] ?? "";
      const record = await teams.team(teamId);
      if (record === null) {
        fail(key, "team does not parse");
        continue;
      }
      if (record.id !== teamId) fail(key, `team hash names id ${record.id}`);
      if (!teamIndex.has(teamId)) fail(key, "team missing from the team index");
      if (teamNames[record.normalizedName] !== teamId) fail(key, "team name not indexed to this team");
      if (disbanded.has(teamId)) fail(key, "a disbanded team still has its record");
      const members = await redis.zrange(keys.members(teamId), 0, "-1");
      if (record.managerId !== null && !members.includes(record.managerId)) fail(key, "manager is not on the roster");
    } else if (roster) {
      const teamId = roster[1] ?? "";
      const kind = roster[2] === "members" ? "roster" : "requests";
      count(kind);
      if ((await redis.exists(keys.team(teamId))) === 0) fail(key, `${kind} of a team that has no record`);
      const entries = await scoredEntries(redis, key);
      if (kind === "roster" && scope.rosterMax !== undefined && entries.length > scope.rosterMax) fail(key, `roster of ${entries.length} over the cap`);
      for (const [userId, at] of entries) {
        if (!snowflakeSchema.safeParse(userId).success || !Number.isFinite(at)) fail(key, `entry ${userId} is not a user id with a time`);
        if (kind === "roster" && userTeam[userId] !== teamId) fail(key, `member ${userId} is indexed to team ${userTeam[userId] ?? "none"}`);
        const pending = userRequests[userId];
        const listed = pending !== undefined && parsesAs(userRequestsSchema, pending) && (JSON.parse(pending) as string[]).includes(teamId);
        // A request of a user who joined a team since is void (never shown); any other must be the user's own too.
        if (kind === "requests" && userTeam[userId] === undefined && !listed) fail(key, `request of ${userId} is not among that user's requests`);
      }
    } else if (/^team:[^:]+:offers$/.test(rest)) {
      // A team's open offers; a disband drops them with the team, and a join drops the player from every team's.
      count("team offers");
      const teamId = rest.slice("team:".length, -":offers".length);
      if ((await redis.exists(keys.team(teamId))) === 0) fail(key, "offers of a team that has no record");
      for (const [userId, expiresAt] of await scoredEntries(redis, key)) {
        if (!snowflakeSchema.safeParse(userId).success || !Number.isFinite(expiresAt)) fail(key, `offer to ${userId} is not a user id with an expiry`);
        if (userTeam[userId] === undefined && (await redis.hexists(keys.offers(userId), teamId)) === 0) fail(key, `offer to ${userId} is not among that user's offers`);
      }
    } else if (/^offers:\d{17,20}$/.test(rest)) {
      // A player's offers by team; one of a team since disbanded, or run out, is void and dropped when read.
      count("player offers");
      for (const [teamId, raw] of Object.entries(await redis.hgetall(key))) {
        if (!snowflakeSchema.safeParse(teamId).success || !parsesAs(storedOfferSchema, raw)) fail(key, `offer of team ${teamId.slice(0, 40)} does not parse`);
      }
    } else if (rest === "pool") {
      count("pool entries");
      for (const [userId, raw] of Object.entries(await redis.hgetall(key))) {
        if (!snowflakeSchema.safeParse(userId).success || decodePoolEntry(raw)?.userId !== userId) fail(key, `pool entry of ${userId.slice(0, 40)} does not parse`);
      }
    } else if (rest === "teams") {
      count("team index");
      for (const teamId of teamIndex) if ((await redis.exists(keys.team(teamId))) === 0) fail(key, `indexes team ${teamId}, which has no record`);
    } else if (rest === "team-names") {
      count("team names");
      for (const [name, teamId] of Object.entries(teamNames)) {
        if ((await teams.team(teamId))?.normalizedName !== name) fail(key, `name "${name}" points to team ${teamId}, which is not so named`);
      }
    } else if (rest === "team-tags") {
      count("team tags");
      for (const [tagKey, teamId] of Object.entries(await redis.hgetall(key))) {
        const record = await teams.team(teamId);
        if (record === null || teamTagKey(record.tag) !== tagKey) fail(key, `tag key "${tagKey}" points to team ${teamId}, which has no such tag`);
      }
    } else if (rest === "gamer-tags" || rest === "ea-fc-ids") {
      const field = rest === "gamer-tags" ? "gamerTagKey" : "eaFcIdKey";
      count(rest === "gamer-tags" ? "gamer tags" : "EA FC IDs");
      for (const [claimKey, userId] of Object.entries(await redis.hgetall(key))) {
        if ((await profiles.claims(userId))?.[field] !== claimKey) fail(key, `"${claimKey}" points to ${userId}, whose profile does not hold it`);
      }
    } else if (rest === "profile-claims-indexed") {
      count("index markers");
      if ((await redis.get(key)) !== "1") fail(key, "marker is not \"1\"");
    } else if (rest === "user-team") {
      count("user-team index");
      for (const [userId, teamId] of Object.entries(userTeam)) {
        if ((await redis.zscore(keys.members(teamId), userId)) === null) fail(key, `user ${userId} indexed to team ${teamId}, not on its roster`);
      }
    } else if (rest === "user-requests") {
      count("user-requests index");
      for (const [userId, raw] of Object.entries(userRequests)) {
        if (!parsesAs(userRequestsSchema, raw)) {
          fail(key, `requests of ${userId} do not parse: ${raw.slice(0, 80)}`);
          continue;
        }
        for (const teamId of JSON.parse(raw) as string[]) {
          if ((await redis.zscore(keys.requests(teamId), userId)) === null) fail(key, `user ${userId} lists a request to ${teamId} that the team does not have`);
        }
      }
    } else if (rest === "user-names") {
      count("user names");
      for (const [userId, name] of Object.entries(await redis.hgetall(key))) {
        if (!snowflakeSchema.safeParse(userId).success || name.length > 100) fail(key, `display name of ${userId.slice(0, 40)} is not valid`);
      }
    } else if (rest === "identities") {
      // Discord's names and avatar hash per user (lib/identity), from the Gateway mirror and logins.
      for (const [userId, raw] of Object.entries(await redis.hgetall(key))) {
        count("identities");
        if (!snowflakeSchema.safeParse(userId).success || decodeIdentity(raw) === null) fail(key, `identity of ${userId.slice(0, 40)} does not parse`);
      }
    } else if (rest === "disbanded-roles") {
      count("disbanded roles");
      for (const roleId of disbanded) if (!snowflakeSchema.safeParse(roleId).success) fail(key, `disbanded role ${roleId.slice(0, 40)} is not a snowflake`);
    } else if (rest === "journals") {
      for (const [id, raw] of Object.entries(await redis.hgetall(key))) {
        count("journal");
        openJournals += 1;
        if (!parsesAs(journalSchema, raw)) fail(key, `journal ${id} does not parse`);
      }
    } else if (rest === "guild-roles") {
      count("guild roles cache");
      if (!parsesAs(guildSnapshotSchema, (await redis.get(key)) ?? "")) fail(key, "cached guild roles do not parse");
    } else if (rest === "marked-team-roles") {
      for (const [roleId, markedBy] of Object.entries(await redis.hgetall(key))) {
        count("marked team roles");
        if (!snowflakeSchema.safeParse(roleId).success || !/^\d{1,20}$/.test(markedBy)) fail(key, `marked role ${roleId.slice(0, 40)} is not a snowflake marked by a user id`);
      }
    } else if (rest === "audit" || rest === "audit:requests") {
      const length = await redis.xlen(key);
      const kind = rest === "audit" ? "audit entry" : "request audit entry";
      checked[kind] = length;
      const parsed = await readAuditStream(redis, key, Math.max(1, length));
      if (parsed.length !== length) fail(key, `${length - parsed.length} of ${length} audit entries do not parse`);
    } else if (rest.startsWith("admission:") || rest.startsWith("refusals:")) {
      count(rest.startsWith("admission:") ? "admission buckets" : "refusal counters");
      if (await withoutExpiry(redis, key)) fail(key, "admission or refusal counter without an expiry: it would never be forgotten");
    } else if (/^events:(user|open):\d{17,20}$/.test(rest)) {
      // Live updates: a user's notice log (a stream) and their open-stream leases (a sorted set), both forgotten on their own.
      count(rest.startsWith("events:user:") ? "notice logs" : "open-stream leases");
      // -2: the key went away between the scan and now (a stream closed), which is fine.
      if (await withoutExpiry(redis, key)) fail(key, "live-update key without an expiry: it would never be forgotten");
    } else if (new RegExp(`^gateway:${scope.guildId}:(lease|fence|session|status|members|roles|resync-seen)$`).test(rest)) {
      // The Gateway mirror's own state (lib/gateway/keys.ts); its members' role entries are checked with the cache below.
      count("gateway mirror keys");
      if (rest.endsWith(":lease") && (await withoutExpiry(redis, key))) fail(key, "gateway lease without an expiry: no standby could ever take over");
    } else if (rest === `teams-follow:${scope.guildId}:bot-user`) {
      // The bot's user id from the last READY, for judging team roles from the mirror (lib/teams/discord-sync).
      count("teams follow-up keys");
      if (!snowflakeSchema.safeParse(await redis.get(key)).success) fail(key, "the bot's user id is not a snowflake");
    } else if (rest === "transfer-window") {
      count("transfer window");
      if (!windowHashSchema.safeParse(await redis.hgetall(key)).success) fail(key, "the transfer window's record does not parse");
    } else if (rest === "roster-locks") {
      for (const [field, raw] of Object.entries(await redis.hgetall(key))) {
        count("roster locks");
        if (field !== allRosters && !snowflakeSchema.safeParse(field).success) fail(key, `lock ${field.slice(0, 40)} is on neither a team id nor every roster`);
        if (!parsesAs(rosterLockRecordSchema, raw)) fail(key, `the lock on ${field.slice(0, 40)} does not parse`);
      }
    } else if (rest === "season") {
      count("season");
      if (!seasonHashSchema.safeParse(await redis.hgetall(key)).success) fail(key, "the season's record does not parse");
    } else if (/^season:\d+:changes$/.test(rest)) {
      for (const [teamId, made] of Object.entries(await redis.hgetall(key))) {
        count("season change counts");
        if (!snowflakeSchema.safeParse(teamId).success || !/^\d{1,6}$/.test(made)) fail(key, `the change count of ${teamId.slice(0, 40)} is not a team's count`);
      }
    } else if (rest === "outbox") {
      // Announcements the transactions channel has not had yet (lib/transactions): each is an audit entry.
      const length = await redis.xlen(key);
      checked["outbox entry"] = length;
      const parsed = await readAuditStream(redis, key, Math.max(1, length));
      if (parsed.length !== length) fail(key, `${length - parsed.length} of ${length} outbox entries do not parse`);
    } else if (rest === "outbox:counts") {
      count("outbox counts");
      for (const [field, value] of Object.entries(await redis.hgetall(key))) {
        if (!isOutboxCountField(field) || !/^\d{1,15}$/.test(value)) fail(key, `count ${field.slice(0, 40)} is not a drainer's count`);
      }
    } else if (rest === "outbox:drainer") {
      count("outbox drainer lease");
      if (await withoutExpiry(redis, key)) fail(key, "outbox drainer lease without an expiry: no other worker could ever post");
    } else if (rest.startsWith("lock:")) {
      count("lock");
      liveLocks += 1;
      if (await withoutExpiry(redis, key)) fail(key, "lock without a lease: it would never be released");
    } else {
      fail(key, "not a key of the product's keyspace");
    }
  }

  for (const key of await scanAll(redis, `discord_roles_${scope.guildId}_*`)) {
    const userId = new RegExp(`^discord_roles_${scope.guildId}_(\\d{17,20})$`).exec(key)?.[1];
    if (userId === undefined) continue;
    count("cached roles");
    if ((await roleCache.cached(userId)) === null) fail(key, "cached roles do not parse");
  }
  return { checked, problems, openJournals, liveLocks };
}
