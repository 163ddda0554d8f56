/**
 * The focus-storm benchmark (npm run bench:roles): many signed-in users whose
 * browser tabs refetch their roles on every focus, against the Discord
 * emulator's member limit, for three strategies side by side: no cache, the
 * SAFA write-up as written, and ours (lib/roles). Then the cache-hit
 * throughput of the real app's /api/roles against its trivial /api/health.
 *
 *   npx tsx bench/roles/focus-storm.ts           the scenario the README reports (about 12 minutes)
 *   npx tsx bench/roles/focus-storm.ts --quick   a small run that only proves the bench works
 *   --no-floor                                   skip the Next app build and the floor ratio
 *   --floor-only                                 only the floor ratio (the storms take 9 minutes)
 *
 * Prints one table and exits; the full run also writes bench/results/focus-storm.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServerHandle } from "../../scripts/redis-server";
import { startEmulatorProcess } from "../shared/emulator";
import { cleanupStack } from "../shared/kit";
import type { Child } from "../shared/processes";
import { writeResults } from "../shared/results";
import { profiles } from "./config";
import { emulatorControl, probeMemberLimit } from "./emulator";
import { measureFloor, type FloorResult } from "./floor";
import { floorLines, header, howMeasured, stormTable, targetLines } from "./report";
import { runStorm, type StormResult } from "./run";
import { strategyNames } from "./strategies";

/** Encrypts the bench's stored tokens; any 32+ characters do, none of them secret. */
const benchTokenSecret = "focus-storm-bench-secret-0123456789abcdef";

const cleanups = cleanupStack();

function progress(message: string): void {
  process.stderr.write(`[focus-storm ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, "no-floor": { type: "boolean", default: false }, "floor-only": { type: "boolean", default: false } } });
  const profile = values.quick ? profiles.quick : profiles.full;
  const watchdog = setTimeout(() => {
    progress(`still running after ${profile.watchdogMs / 1_000} s; stopping`);
    void cleanups.run().then(() => process.exit(1));
  }, profile.watchdogMs);
  watchdog.unref();

  const workDir = mkdtempSync(join(tmpdir(), "safa-focus-storm-"));
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const logDir = mkdtempSync(join(tmpdir(), "safa-focus-storm-logs-"));
  progress(`logs of the child processes: ${logDir}`);

  const redisServer: RedisServerHandle = await startRedisServer({ dataDir: join(workDir, "redis") });
  cleanups.push(() => redisServer.stop());
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  cleanups.push(async () => redis.disconnect());
  const emulatorProcess: { url: string; child: Child } = await startEmulatorProcess(logDir);
  cleanups.push(() => emulatorProcess.child.stop());
  const emulator = emulatorControl(emulatorProcess.url);
  const limit = await probeMemberLimit(emulator);
  progress(`emulator at ${emulator.url}: member lookup ${limit.count} per ${limit.windowMs / 1_000} s per user`);

  const env = { redis, redisUrl: redisServer.url, emulator, secret: benchTokenSecret, logDir };
  const results: StormResult[] = [];
  for (const strategy of values["floor-only"] ? [] : strategyNames) {
    progress(`storm with strategy "${strategy}" for ${profile.storm.durationMs / 1_000} s`);
    results.push(await runStorm(strategy, env, profile.storm));
  }

  let floor: FloorResult | Error = new Error("skipped (--no-floor)");
  if (!values["no-floor"]) {
    progress("floor: building and starting the Next app");
    floor = await measureFloor(env, profile.floor, limit).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  }

  const lines = [...header(profile, limit), "", ...(results.length > 0 ? [...stormTable(results), ""] : []), ...targetLines(results, limit), ...floorLines(floor), "", ...howMeasured()];
  console.log(lines.join("\n"));
  if (profile.name === "full" && !values["floor-only"]) progress(`written to ${writeResults("focus-storm.md", "Focus storm results", "npm run bench:roles", lines)}`);
  clearTimeout(watchdog);
  const floorFailed = floor instanceof Error && !values["no-floor"];
  if (floorFailed) progress(`kept the logs for the failed floor in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
}

main()
  .then(async () => {
    await cleanups.run();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    await cleanups.run();
    process.exit(1);
  });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void cleanups.run().then(() => process.exit(130));
  });
}
