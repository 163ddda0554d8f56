/**
 * The HA benchmark: the production shape on loopback (a Redis primary, one
 * replica and three Sentinels with down-after-milliseconds 2,000; the
 * Discord emulator; two app instances, production build, `npm start`), a
 * stream of team and profile actions from signed-in users through both
 * instances, and the primary killed with SIGKILL in the middle of it. The
 * killed node is started again once the Sentinels have promoted its
 * replica, as a supervisor would bring a crashed machine back: it rejoins
 * as the new primary's replica, without which no action can be acknowledged
 * as replicated (REDIS_WAIT_REPLICAS=1, as the HA stack runs).
 *
 * Reports the time from the kill until actions succeed again (target at
 * most 10 s), the answers during the switch by status (503 with
 * Retry-After expected, never a 500), every success checked in Redis, on
 * Discord and in the audit log exactly once (0 lost, 0 duplicated), the
 * journals and locks left open after a settling pass (0), and the
 * throughput of actions with WAIT on and off, side by side.
 *
 *   npm run bench:ha                 the run the README reports (about 4 minutes, more if the app must be built)
 *   npm run bench:ha -- --quick      a shorter stream: judges only the functional checks
 *   ... --records <file>             also writes every attempt (JSON), to see what a client saw
 *
 * Prints the tables and `Checks: passed` (or what failed); exits 1 when a
 * check fails. The full run also writes bench/results/ha.md. The app is
 * built once per version of the sources into .data/bench-app/ (see
 * bench/shared/app.ts). Loopback only; every child process is stopped at
 * the end.
 */
import { appLogLevel } from "./quiet-logs";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { productKeyspace } from "@/lib/actions/keys";
import { createRedis, waitUntilReady } from "@/lib/redis/connection";
import { findFreePort } from "../../scripts/free-port";
import { startRedisHa } from "../../scripts/redis-ha";
import { appEnvironment, ensureAppBuild, startAppInstance } from "../shared/app";
import { startEmulatorProcess } from "../shared/emulator";
import { fixture } from "../shared/fixture";
import { controlCall, createHttpClient, type HttpClient } from "../shared/http";
import { cleanupStack } from "../shared/kit";
import { writeResults } from "../shared/results";
import { benchTokenStore, signInUsers, withSessionCookies, type CookieUser } from "../shared/users";
import { actionRoutes, noAnswer, readAnswer, type ActionTransport, type HaRecord } from "./actions";
import { profiles, recoveryTargetMs, requestTimeoutMs, settleWaitMs, waitTimeoutMs } from "./config";
import { answerChecks, answersTable, checkLines, seconds, switchFigures } from "./report";
import { settleOpenJournals, type StreamPair, type StreamUser } from "./stream";
import { streamWithKill, untilReplicated } from "./switch";
import { measureWaitCost, throughputLines } from "./throughput";
import { verify, type Check, type GuildState } from "./verify";

const cleanups = cleanupStack();
const instanceCount = 2;

function progress(message: string): void {
  process.stderr.write(`[bench:ha ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const guildState = z.object({
  guild: z.object({ roles: z.array(z.object({ id: z.string(), name: z.string() })) }),
  personas: z.array(z.object({ id: z.string(), roles: z.array(z.string()) })),
});

/** Over HTTP with the user's session cookie, to the instance the attempt names; the Origin browsers send to every instance. */
function httpTransport(client: HttpClient, instanceUrls: readonly string[], users: ReadonlyMap<string, CookieUser>): ActionTransport {
  const origin = new URL(instanceUrls[0] ?? "http://127.0.0.1").origin;
  return async (request) => {
    const route = actionRoutes[request.kind];
    const headers = { cookie: users.get(request.actorId)?.cookie ?? "", "content-type": "application/json", origin };
    try {
      const answer = await client.send(route.method, `${instanceUrls[request.instance]}${route.path}`, { headers, body: JSON.stringify(request.body) });
      const retryAfter = answer.headers["retry-after"];
      return readAnswer(answer.status, answer.body, typeof retryAfter === "string" ? retryAfter : null);
    } catch {
      return noAnswer;
    }
  };
}

async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, records: { type: "string" } } });
  const profile = values.quick ? profiles.quick : profiles.full;
  const watchdog = setTimeout(() => {
    progress(`still running after ${profile.watchdogMs / 1_000} s; stopping`);
    void cleanups.run().then(() => process.exit(1));
  }, profile.watchdogMs);
  watchdog.unref();

  const workDir = mkdtempSync(join(tmpdir(), "safa-bench-ha-"));
  const logDir = join(workDir, "logs");
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  mkdirSync(logDir, { recursive: true });
  progress(`logs of the child processes: ${logDir} (kept elsewhere if a check fails)`);

  const ha = await startRedisHa({ dataDir: join(workDir, "redis"), downAfterMs: profile.downAfterMs, appendfsync: "everysec" });
  cleanups.push(() => ha.stop());
  const redis = createRedis({ kind: "sentinel", sentinels: ha.sentinels, masterName: ha.masterName });
  cleanups.push(async () => redis.disconnect());
  if (!(await waitUntilReady(redis, 10_000))) throw new Error("the bench's own connection through the Sentinels did not become ready");

  const { url: emulatorUrl, child: emulator } = await startEmulatorProcess(logDir);
  cleanups.push(() => emulator.stop());

  const ports = await Promise.all(Array.from({ length: instanceCount }, () => findFreePort()));
  const instanceUrls = ports.map((port) => `http://127.0.0.1:${port}`);
  const base = appEnvironment({ redisUrl: "", emulatorUrl, publicUrl: instanceUrls[0] ?? "" });
  const env: NodeJS.ProcessEnv = {
    ...base.env,
    REDIS_URL: "",
    REDIS_SENTINELS: ha.sentinelsEnv,
    REDIS_MASTER_NAME: ha.masterName,
    REDIS_WAIT_REPLICAS: "1",
    REDIS_WAIT_TIMEOUT_MS: String(waitTimeoutMs),
    LOG_LEVEL: appLogLevel,
  };
  const build = await ensureAppBuild({ logDir, env, progress, apiOnlyFallback: true });
  progress(build.reused ? `reusing the build in ${build.dir}` : "built");
  for (const [index, port] of ports.entries()) {
    const instance = await startAppInstance(build, { name: `app-${index}`, port, env: { ...env, LOG_FILE: join(logDir, `app-${index}.json.log`) }, logDir });
    cleanups.push(() => instance.stop());
  }
  progress(`instances at ${instanceUrls.join(", ")}; emulator at ${emulatorUrl}; Sentinels at ${ha.sentinelsEnv}`);

  const runId = Date.now().toString(36).slice(-6);
  const tokens = benchTokenStore({ redis, secret: base.secret, emulatorUrl });
  const users = await withSessionCookies(await signInUsers({ emulatorUrl, tokens, count: profile.pairs * 2 + profile.solos, prefix: `ha_${runId}` }), base.secret);
  const streamUsers: StreamUser[] = users.map((user) => ({ userId: user.userId, index: user.index }));
  const pairs: StreamPair[] = Array.from({ length: profile.pairs }, (_, index) => ({ manager: streamUsers[2 * index] as StreamUser, player: streamUsers[2 * index + 1] as StreamUser }));
  const solos = streamUsers.slice(profile.pairs * 2);
  const readGuild = async (): Promise<GuildState> => guildState.parse(await controlCall(`${emulatorUrl}/__emulator/personas?all=1`));
  const fixtureRoleIds = new Set((await readGuild()).guild.roles.map((role) => role.id));

  const client = createHttpClient({ maxSockets: 64, timeoutMs: requestTimeoutMs });
  cleanups.push(async () => client.close());
  const send = httpTransport(client, instanceUrls, new Map(users.map((user) => [user.userId, user])));
  progress(`${users.length} users signed in; the stream runs ${profile.beforeKillMs / 1_000} s, then the primary is killed, then ${profile.afterKillMs / 1_000} s more`);
  const { records, timeline } = await streamWithKill({ ha, send, instances: instanceCount, redis, pairs, solos, runId, beforeKillMs: profile.beforeKillMs, afterKillMs: profile.afterKillMs, progress });

  const keys = productKeyspace();
  const settling = await settleOpenJournals({ send, instances: instanceCount, redis, keys, users: streamUsers, firstSave: 1_000 });
  const allRecords: HaRecord[] = [...records, ...settling];
  if (values.records) writeFileSync(values.records, JSON.stringify({ timeline, records: allRecords }, null, 1));
  progress(`stream over: ${records.length} attempts, ${settling.length} in the settling pass; verifying`);
  const verification = await verify({ redis, keys, guildState: readGuild, roleIds: fixture.roles, fixtureRoleIds, records: allRecords, pairs, solos, settleWaitMs });
  const figures = switchFigures(records, timeline.killAt);
  const checks: Check[] = [...answerChecks(figures, instanceCount), ...verification.checks];
  if (profile.name === "full") {
    checks.push({ name: `actions succeed again within ${recoveryTargetMs / 1_000} s of the kill`, ok: figures.recoveryMs !== null && figures.recoveryMs <= recoveryTargetMs, detail: seconds(figures.recoveryMs) });
  }

  progress("measuring actions with WAIT on and off");
  const replicated = await untilReplicated(redis, 1, 30_000);
  if (!replicated) progress("the restarted node is not replicating: WAIT on measures a missing replica");
  const throughput = await measureWaitCost({ redis, ...profile.throughput });

  const successes = allRecords.filter((record) => record.status === 200);
  const lines = [
    `Profile: ${profile.name}; ${profile.pairs} manager and player pairs and ${profile.solos} free agents (${users.length} users) through ${instanceCount} app instances; Redis primary + 1 replica + 3 Sentinels, down-after-milliseconds ${profile.downAfterMs}; REDIS_WAIT_REPLICAS=1, REDIS_WAIT_TIMEOUT_MS=${waitTimeoutMs}.`,
    "",
    "| figure | value |",
    "| --- | --- |",
    `| kill to the first action answered success (sent after the kill) | ${seconds(figures.recoveryMs)} |`,
    `| of which an action calling Discord (team or profile) | ${seconds(figures.discordRecoveryMs)} |`,
    `| kill to the last user turned away in the switch (503, busy, no answer) succeeding again | ${seconds(figures.lastTurnedAwayMs)} |`,
    `| kill to the Sentinels naming the new primary | ${seconds(timeline.promotedAt === null ? null : timeline.promotedAt - timeline.killAt)} |`,
    `| kill to the killed node started again (rejoins as replica) | ${seconds(timeline.restartedAt === null ? null : timeline.restartedAt - timeline.killAt)} |`,
    `| kill to the last 503 of the switch (or unanswered request) | ${seconds(figures.lastTroubleMs)} |`,
    `| attempts (stream + settling pass) | ${allRecords.length} |`,
    `| answered success | ${successes.length} (${successes.filter((record) => record.applied === true).length} applied, the rest already so) |`,
    `| audit entries | ${verification.auditEntries} |`,
    `| acknowledged actions lost | ${verification.checks[0]?.ok ? 0 : "see checks"} |`,
    `| actions applied twice | ${verification.checks[1]?.ok ? 0 : "see checks"} |`,
    `| 500 answers | ${figures.served500} |`,
    `| open journals / locks after settling | ${verification.leftovers.journals} / ${verification.leftovers.locks} |`,
    "",
    ...answersTable(figures),
    "",
    ...throughputLines(throughput),
    "",
    ...checkLines(checks),
    "",
    "How measured: every attempt goes to the next instance in turn (the bench is the load balancer); a client waits what Retry-After says (at most 5 s) and reads Redis before its next step after any answer but success. " +
      "`discord_busy` 503s are the app's own admission of Discord calls (0.8 actions a second for the guild), not the switch. " +
      "Lost: an action answered success with no audit entry; duplicated: more entries than successes plus attempts of unknown outcome (no answer, or a 5xx other than discord_busy). " +
      "The WAIT comparison runs the action engine in the bench's process against the same HA set (the killed node back as replica), with an emulator of its own at roomy limits and the app's admission loosened (it would cap both at 0.8 a second): " +
      "team and profile actions are then bound by the bot's global Discord limit (50 requests a second, two or three per action), so WAIT's own cost shows in the pool switch (one script, then WAIT).",
  ];
  console.log(lines.join("\n"));
  if (profile.name === "full") progress(`written to ${writeResults("ha.md", "HA failover benchmark", "npm run bench:ha", lines)}`);
  clearTimeout(watchdog);
  const passed = checks.every((check) => check.ok);
  if (!passed) {
    const kept = mkdtempSync(join(tmpdir(), "safa-bench-ha-logs-"));
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
