/**
 * How big the whole keyspace of one guild of 10,000 members is, for the
 * deployment guide's case against Redis Cluster. A Gateway worker mirrors
 * 10,000 synthetic members from the emulator (the mirror, the role cache,
 * the identities: the product's own code writes them); then every member
 * gets what a busy season leaves, in the encodings the product's scripts
 * write: a profile with its gamer-tag and EA FC ID claims, a Discord login
 * (sealed tokens and the user's session set), a display name; 400 teams of
 * 25 with their indexes; and the audit log at its cap.
 *
 *   npx tsx --conditions=react-server bench/ha/keyspace.ts          10,000 members; writes bench/results/keyspace.md
 *   npx tsx --conditions=react-server bench/ha/keyspace.ts --quick  1,000 members, only proves the bench runs
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import type { Redis } from "ioredis";
import { eaFcIdKey, gamerTagKey, productKeyspace, teamNameKey, teamTagKey } from "@/lib/actions/keys";
import { actionPolicy } from "@/lib/actions/policy";
import { auditJson } from "@/lib/audit/log";
import { tokenPolicy, tokensKey, userSessionsKey } from "@/lib/auth/token-store";
import { deriveTokenKey, encryptText } from "@/lib/auth/token-crypto";
import { profileJson } from "@/lib/profile/store";
import { fixture } from "../shared/fixture";
import { writeResults } from "../shared/results";
import { megabytes, memoryOfKeys, usedMemory } from "../gateway/mirror";
import { addBulkMembers, runBench, startMirrorStack } from "../gateway/stack";

const profiles = {
  full: { name: "full", members: 10_000, teams: 400, teamSize: 25 },
  quick: { name: "quick", members: 1_000, teams: 40, teamSize: 25 },
} as const;

const keys = productKeyspace();
const writeBatch = 1_000;

async function inBatches<T>(redis: Redis, items: readonly T[], write: (pipeline: ReturnType<Redis["pipeline"]>, item: T, index: number) => void): Promise<void> {
  for (let start = 0; start < items.length; start += writeBatch) {
    const pipeline = redis.pipeline();
    items.slice(start, start + writeBatch).forEach((item, offset) => write(pipeline, item, start + offset));
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }
}

function writeProfiles(redis: Redis, memberIds: readonly string[], now: number): Promise<void> {
  return inBatches(redis, memberIds, (pipeline, userId, index) => {
    const profile = { gamerTag: `Player_${index}`, platform: "playstation", eaFcId: `ea fc ${index}`, country: "NG", position: "MID" } as const;
    pipeline.set(keys.profile(userId), profileJson(profile, now));
    pipeline.hset(keys.gamerTags, gamerTagKey(profile.gamerTag), userId);
    pipeline.hset(keys.eaFcIds, eaFcIdKey(profile.eaFcId), userId);
    pipeline.hset(keys.userNames, userId, `Player ${index}`);
  });
}

/** One login per member, sealed as the token store seals it (lib/auth/token-store.ts). */
function writeLogins(redis: Redis, memberIds: readonly string[], secret: string, now: number): Promise<void> {
  const sealKey = deriveTokenKey(secret);
  return inBatches(redis, memberIds, (pipeline, userId) => {
    const sessionId = randomBytes(16).toString("hex");
    const tokens = { accessToken: randomBytes(22).toString("base64url"), refreshToken: randomBytes(22).toString("base64url"), expiresAt: now + 604_800_000, scope: "identify guilds.members.read", userId };
    pipeline.set(tokensKey(sessionId), encryptText(sealKey, JSON.stringify(tokens)), "EX", tokenPolicy.storeTtlSeconds);
    pipeline.sadd(userSessionsKey(userId), sessionId);
    pipeline.expire(userSessionsKey(userId), tokenPolicy.storeTtlSeconds);
  });
}

function writeTeams(redis: Redis, memberIds: readonly string[], teamCount: number, teamSize: number, now: number): Promise<void> {
  const teams = Array.from({ length: teamCount }, (_, index) => ({ id: String(1_300_000_000_000_000_000n + BigInt(index)), name: `Team ${index} FC`, tag: `T${index}`, members: memberIds.slice(index * teamSize, (index + 1) * teamSize) }));
  return inBatches(redis, teams, (pipeline, team) => {
    const managerId = team.members[0] ?? "0";
    pipeline.hset(keys.team(team.id), { id: team.id, name: team.name, tag: team.tag, managerId, createdAt: now, createdBy: managerId, adopted: "0" });
    pipeline.zadd(keys.teamIndex, now, team.id);
    pipeline.hset(keys.teamNames, teamNameKey(team.name), team.id);
    pipeline.hset(keys.teamTags, teamTagKey(team.tag), team.id);
    for (const userId of team.members) {
      pipeline.zadd(keys.members(team.id), now, userId);
      pipeline.hset(keys.userTeam, userId, team.id);
    }
  });
}

/** The audit stream at its cap, trimmed as the commit scripts trim it. */
function writeAudit(redis: Redis, memberIds: readonly string[], now: number): Promise<void> {
  const entries = Array.from({ length: actionPolicy.auditEntriesMax }, (_, index) => memberIds[index % memberIds.length] ?? "0");
  return inBatches(redis, entries, (pipeline, userId, index) => {
    const entry = auditJson({ actorId: userId, actorName: `Player ${index}`, action: "team.approve", teamId: "1300000000000000000", teamName: "Team 0 FC", targetId: userId, detail: "roster 12/23" }, now + index);
    pipeline.xadd(keys.audit, "MAXLEN", "~", actionPolicy.auditEntriesMax, "*", "entry", entry);
  });
}

runBench("keyspace", 300_000, async (progress, cleanups) => {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const profile = values.quick ? profiles.quick : profiles.full;
  const stack = await startMirrorStack("keyspace", progress, cleanups);
  const memberIds = await addBulkMembers(stack.emulatorUrl, profile.members, "member_");
  progress(`${memberIds.length} synthetic members in the emulator; mirroring them`);

  const empty = await usedMemory(stack.redis);
  const worker = stack.startWorker("gateway-1");
  await stack.waitForStatus((status) => status.live, 120_000, 50);
  await worker.stop();
  const mirrored = await usedMemory(stack.redis);
  progress("mirror live; writing a season's records");

  const now = Date.now();
  await writeProfiles(stack.redis, memberIds, now);
  await writeLogins(stack.redis, memberIds, stack.secret, now);
  await writeTeams(stack.redis, memberIds, profile.teams, profile.teamSize, now);
  await writeAudit(stack.redis, memberIds, now);
  const full = await usedMemory(stack.redis);
  const totalKeys = await stack.redis.dbsize();

  const groups = [
    ["the Gateway mirror (members, roles, status)", "safa:gateway:*"],
    ["role cache entries", `discord_roles_${fixture.guildId}_*`],
    ["profiles", keys.profile("*")],
    ["Discord logins (sealed tokens)", "discord_tokens_*"],
    ["users' session sets", "discord_sessions_*"],
    ["teams (hash, members, requests, offers)", keys.team("*")],
    ["live-update notice logs", "safa:events:*"],
  ] as const;
  const measured = await Promise.all(groups.map(async ([label, pattern]) => ({ label, pattern, ...(await memoryOfKeys(stack.redis, pattern)) })));
  const singles = [keys.identities, keys.gamerTags, keys.eaFcIds, keys.userNames, keys.userTeam, keys.teamIndex, keys.teamNames, keys.teamTags, keys.audit];
  const singleBytes = await Promise.all(singles.map(async (key) => ({ key, bytes: Number((await stack.redis.memory("USAGE", key, "SAMPLES", 0)) ?? 0) })));

  const lines = [
    `${memberIds.length.toLocaleString("en-US")} members mirrored from the emulator by one Gateway worker; then, for every member, a profile (with its gamer-tag and EA FC ID claims), one Discord login and a display name; ${profile.teams} teams of ${profile.teamSize}; the audit log at its cap of ${actionPolicy.auditEntriesMax.toLocaleString("en-US")} entries.`,
    "",
    "| figure | value |",
    "| --- | --- |",
    `| Redis used_memory, empty | ${megabytes(empty)} MB |`,
    `| after the mirror's sync | ${megabytes(mirrored)} MB (+${megabytes(mirrored - empty)} MB) |`,
    `| after a season's records | ${megabytes(full)} MB (+${megabytes(full - empty)} MB in all) |`,
    `| keys | ${totalKeys.toLocaleString("en-US")} |`,
    ...measured.map((group) => `| &nbsp; ${group.label} (${group.pattern}, ${group.keys.toLocaleString("en-US")} keys) | ${megabytes(group.bytes)} MB |`),
    ...singleBytes.map((entry) => `| &nbsp; ${entry.key} | ${megabytes(entry.bytes)} MB |`),
    "",
    "How it is measured: INFO memory's used_memory before the worker starts, once the mirror is live, and after the records are written; MEMORY USAGE with SAMPLES 0 (every element counted) per key group. Locks, journals, rate-limit counters and REST buckets are short-lived and small; they are not counted.",
  ];
  console.log(lines.join("\n"));
  if (profile.name === "full") progress(`written to ${writeResults("keyspace.md", "Keyspace of one guild", "npx tsx --conditions=react-server bench/ha/keyspace.ts", lines)}`);
});
