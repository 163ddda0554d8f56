/**
 * The mirror-sync benchmark (npm run bench:mirror-sync): a guild of 10,000
 * members mirrored from a cold start. One Gateway worker process starts on
 * an empty Redis; the clock runs from its spawn to the mirror's status
 * saying live (a resync done, a recent heartbeat). Then Redis's memory:
 * INFO used_memory before and after, and MEMORY USAGE of the mirror's keys.
 * Every member is compared with the emulator's state.
 *
 *   npx tsx bench/gateway/mirror-sync.ts           10,000 members; writes bench/results/mirror-sync.md
 *   npx tsx bench/gateway/mirror-sync.ts --quick   1,000 members, only proves the bench runs
 */
import { parseArgs } from "node:util";
import { eventKeyspace } from "@/lib/events/keys";
import { eventPolicy } from "@/lib/events/policy";
import { gatewayKeyspace } from "@/lib/gateway";
import { fixture } from "../shared/fixture";
import { writeResults } from "../shared/results";
import { syncProfiles, syncTargets } from "./config";
import { compareMirror, diffCount, megabytes, memoryOfKeys, usedMemory } from "./mirror";
import { addBulkMembers, emulatorMembers, runBench, startMirrorStack } from "./stack";

runBench("mirror-sync", 240_000, async (progress, cleanups) => {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const profile = values.quick ? syncProfiles.quick : syncProfiles.full;
  const stack = await startMirrorStack("mirror-sync", progress, cleanups);
  await addBulkMembers(stack.emulatorUrl, profile.members, "sync_");
  const expected = await emulatorMembers(stack.emulatorUrl);
  progress(`the emulator's guild has ${expected.size} members; starting one Gateway worker on an empty Redis`);

  const memoryBefore = await usedMemory(stack.redis);
  const startedAt = Date.now();
  const worker = stack.startWorker("gateway-1");
  const status = await stack.waitForStatus((s) => s.live, profile.liveTimeoutMs, 20);
  const liveAfterMs = Date.now() - startedAt;
  progress(`live after ${liveAfterMs} ms`);

  const diff = await compareMirror(stack.redis, expected);
  const memoryAfter = await usedMemory(stack.redis);
  const keys = gatewayKeyspace(fixture.guildId);
  const hashes = await Promise.all([keys.members, keys.roles, keys.status, keys.session].map(async (key) => ({ key, bytes: Number((await stack.redis.memory("USAGE", key, "SAMPLES", 0)) ?? 0) })));
  const cacheEntries = await memoryOfKeys(stack.redis, `${keys.memberCachePrefix}*`);
  // Not the mirror's own keys: the live-update notices the worker publishes for each member it changed.
  const noticeLogs = await memoryOfKeys(stack.redis, eventKeyspace().notices("*"));
  const mirrorBytes = hashes.reduce((sum, entry) => sum + entry.bytes, 0) + cacheEntries.bytes;
  const resyncMs = status.resyncDoneAt !== null && status.resyncStartedAt !== null ? status.resyncDoneAt - status.resyncStartedAt : Number.NaN;
  await worker.stop();

  const deltaBytes = memoryAfter - memoryBefore;
  const lines = [
    `${expected.size} members in the emulator's guild (${profile.members} added in bulk plus the fixture's), one Gateway worker (scripts/gateway.ts) started on an empty Redis.`,
    "",
    "| figure | value | target |",
    "| --- | --- | --- |",
    `| worker spawn to mirror live | ${(liveAfterMs / 1_000).toFixed(2)} s | at most ${syncTargets.liveWithinMs / 1_000} s |`,
    `| of which the resync itself (op 8 request to done, the worker's own clock) | ${(resyncMs / 1_000).toFixed(2)} s | |`,
    `| Redis used_memory delta | ${megabytes(deltaBytes)} MB | at most ${megabytes(syncTargets.memoryBytesMax)} MB |`,
    `| MEMORY USAGE of the mirror's keys | ${megabytes(mirrorBytes)} MB | |`,
    ...hashes.map((entry) => `| &nbsp; ${entry.key} | ${entry.bytes.toLocaleString("en-US")} bytes | |`),
    `| &nbsp; ${cacheEntries.keys} role cache entries (${keys.memberCachePrefix}*) | ${megabytes(cacheEntries.bytes)} MB | |`,
    `| live-update notice logs the sync left (${eventKeyspace().notices("*")}, ${noticeLogs.keys} keys) | ${megabytes(noticeLogs.bytes)} MB | |`,
    `| members differing from the emulator (missing / other roles / extra) | ${diff.missing.length} / ${diff.wrongRoles.length} / ${diff.extra.length} | 0 |`,
    "",
    ...(noticeLogs.keys === 0
      ? []
      : [
          `The used_memory delta includes the live-update notice logs: the worker publishes a roles notice for every member it writes, those of the resync included, and each user's notice log is a Redis stream of its own (${(noticeLogs.bytes / noticeLogs.keys / 1_024).toFixed(1)} KB each here, kept ${eventPolicy.noticeLogTtlSeconds / 3_600} h). They are most of the delta; the mirror's own keys take ${megabytes(mirrorBytes)} MB.`,
          "",
        ]),
    `Result: ${liveAfterMs <= syncTargets.liveWithinMs && deltaBytes <= syncTargets.memoryBytesMax && diffCount(diff) === 0 ? "within the targets" : "MISSES a target"}.`,
    `Checks: ${diffCount(diff) === 0 ? "passed" : "FAILED"} (the mirror equals the emulator).`,
    "",
    "How it is measured: the clock starts when the bench spawns the worker process (so it includes Node and tsx starting, the lease, GET /gateway/bot, the connection, IDENTIFY and the op 8 member requests) and stops when `readMirrorStatus` (polled every 20 ms) first says live. used_memory is read just before the spawn (Redis then holds nothing) and just after live; MEMORY USAGE is taken with SAMPLES 0 (every element counted).",
  ];
  console.log(lines.join("\n"));
  if (profile.name === "full") progress(`written to ${writeResults("mirror-sync.md", "Mirror sync results", "npm run bench:mirror-sync", lines)}`);
  if (diffCount(diff) !== 0) throw new Error(`the mirror differs from the emulator for ${diffCount(diff)} members`);
});
