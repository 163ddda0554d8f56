/**
 * The load test: 500 signed-in users for 2 minutes
 * against two app instances (production build, `npm start`) and two Gateway
 * workers (`npm run gateway`: the mirror, and the transactions channel's
 * drainer) sharing one Redis and the Discord emulator, mixing page loads,
 * focus refetches, pool pages, team and pool actions and offers, then
 * checking that every action answered "applied" is applied exactly once,
 * every refusal changed nothing, and every applied change the channel
 * announces was posted there once. Loopback only; every child process is
 * stopped at the end (by process group).
 *
 *   npx tsx bench/load/load-test.ts            the scenario the README reports (about 5 minutes, more if the app must be built)
 *   npx tsx bench/load/load-test.ts --quick    30 users for 40 s: proves the bench works (the test suite runs it)
 *
 * Prints one table and the verification; exits 1 when a check fails. The
 * full run also writes bench/results/load-test.md. The app is built once per
 * version of the sources into .data/bench-app/ (see bench/shared/app.ts).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { readMirrorStatus } from "@/lib/gateway";
import { CHANNEL_IDS } from "../../emulator/fixture";
import { findFreePort } from "../../scripts/free-port";
import { startRedisServer } from "../../scripts/redis-server";
import { appEnvironment, ensureAppBuild, startAppInstance } from "../shared/app";
import { startEmulatorProcess } from "../shared/emulator";
import { createHttpClient } from "../shared/http";
import { fixture } from "../shared/fixture";
import { cleanupStack, sleep } from "../shared/kit";
import { projectRoot, spawnChild } from "../shared/processes";
import { writeResults } from "../shared/results";
import { benchTokenStore, signInUsers, withSessionCookies } from "../shared/users";
import { gatewayWorkerCount, instanceCount, profiles, requestTimeoutMs } from "./config";
import { actionLines, discordLines, header, howMeasured, requestTable, verificationLines } from "./report";
import { runScenario } from "./scenario";
import { verify } from "./verify";

const cleanups = cleanupStack();

function progress(message: string): void {
  process.stderr.write(`[load-test ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Gateway workers as `npm run gateway` starts them (the teams' follow-up of Discord needs react-server conditions). */
function startGatewayWorkers(env: NodeJS.ProcessEnv, logDir: string): void {
  for (let index = 0; index < gatewayWorkerCount; index += 1) {
    const child = spawnChild(`gateway-${index}`, process.execPath, ["--conditions=react-server", "--import", "tsx", join(projectRoot, "scripts", "gateway.ts")], { cwd: projectRoot, env, logDir });
    cleanups.push(() => child.stop());
  }
}

/** The mirror live before the run, so every run measures the same thing: role reads answered from it. */
async function waitForMirror(redis: Redis, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await readMirrorStatus(redis, fixture.guildId)).live) {
    if (Date.now() > deadline) throw new Error(`the Gateway mirror was not live within ${timeoutMs / 1_000} s; see the gateway logs`);
    await sleep(250);
  }
}

async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const profile = values.quick ? profiles.quick : profiles.full;
  const watchdog = setTimeout(() => {
    progress(`still running after ${profile.watchdogMs / 1_000} s; stopping`);
    void cleanups.run().then(() => process.exit(1));
  }, profile.watchdogMs);
  watchdog.unref();

  const workDir = mkdtempSync(join(tmpdir(), "safa-load-test-"));
  const logDir = join(workDir, "logs");
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  mkdirSync(logDir, { recursive: true });
  progress(`logs of the child processes: ${logDir} (removed at the end unless the run fails)`);

  const redisServer = await startRedisServer({ dataDir: join(workDir, "redis"), appendfsync: "everysec" });
  cleanups.push(() => redisServer.stop());
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  cleanups.push(async () => redis.disconnect());

  const { url: emulatorUrl, child: emulator } = await startEmulatorProcess(logDir);
  cleanups.push(() => emulator.stop());

  const ports = await Promise.all(Array.from({ length: instanceCount }, () => findFreePort()));
  const instanceUrls = ports.map((port) => `http://127.0.0.1:${port}`);
  // One public address behind the load balancer: the Origin browsers send to every instance.
  const base = appEnvironment({ redisUrl: redisServer.url, emulatorUrl, publicUrl: instanceUrls[0] ?? "" });
  const { secret } = base;
  // The app writes announcements to the outbox, the worker holding its lease posts them to the emulator's channel.
  const channelId = CHANNEL_IDS.transactions;
  const env: NodeJS.ProcessEnv = { ...base.env, DISCORD_TRANSACTIONS_CHANNEL_ID: channelId };
  startGatewayWorkers(env, logDir);
  const build = await ensureAppBuild({ logDir, env, progress, apiOnlyFallback: false });
  progress(build.reused ? `reusing the build in ${build.dir}` : "built");
  for (const [index, port] of ports.entries()) {
    const instance = await startAppInstance(build, { name: `app-${index}`, port, env: { ...env, LOG_FILE: join(logDir, `app-${index}.json.log`) }, logDir });
    cleanups.push(() => instance.stop());
  }
  progress(`instances at ${instanceUrls.join(", ")}; emulator at ${emulatorUrl}; Redis at ${redisServer.url}`);

  const runId = Date.now().toString(36);
  const tokens = benchTokenStore({ redis, secret, emulatorUrl });
  const users = await withSessionCookies(await signInUsers({ emulatorUrl, tokens, count: profile.users, prefix: `load_${runId}` }), secret);
  await waitForMirror(redis, 60_000);
  progress(`${users.length} users signed in; running for ${profile.durationMs / 1_000} s`);
  const client = createHttpClient({ maxSockets: 256, timeoutMs: requestTimeoutMs });
  cleanups.push(async () => client.close());
  const result = await runScenario({ client, instanceUrls, users, profile, runId });
  progress(`run over: ${result.samples.length} requests; verifying`);
  const verification = await verify({ redis, redisUrl: redisServer.url, emulatorUrl, channelId, drainWaitMs: profile.drainWaitMs, progress, users, actions: result.actions, poolReads: result.poolReads });

  const lines = [
    ...header(profile, instanceCount, result),
    "",
    ...requestTable(result),
    "",
    ...actionLines(result),
    ...discordLines(verification),
    "",
    ...verificationLines(verification),
    "",
    ...howMeasured(profile),
  ];
  console.log(lines.join("\n"));
  if (profile.name === "full") progress(`written to ${writeResults("load-test.md", "Load test results", "npx tsx bench/load/load-test.ts", lines)}`);
  clearTimeout(watchdog);
  const passed = verification.checks.every((check) => check.ok);
  if (!passed) {
    const kept = mkdtempSync(join(tmpdir(), "safa-load-test-logs-"));
    renameSync(logDir, join(kept, "logs"));
    progress(`a check failed; the logs are kept in ${join(kept, "logs")}`);
  }
  return passed;
}

main()
  .then(async (passed) => {
    await cleanups.run();
    process.exit(passed ? 0 : 1);
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
