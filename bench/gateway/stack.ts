import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { z } from "zod";
import { readMirrorStatus, type MirrorStatus } from "@/lib/gateway";
import { startRedisServer } from "../../scripts/redis-server";
import { appEnvironment } from "../shared/app";
import { startEmulatorProcess } from "../shared/emulator";
import { fixture } from "../shared/fixture";
import { controlCall } from "../shared/http";
import { cleanupStack, sleep } from "../shared/kit";
import { spawnTs, type Child } from "../shared/processes";

/**
 * What every live-mirror bench stands on: a private redis-server, the
 * Discord emulator in its own process, and Gateway workers as production
 * runs them (`npm run gateway`, scripts/gateway.ts), each a process of its
 * own so one can be killed. The environment is the app's own (see
 * appEnvironment), so app instances started on it share the mirror.
 */
export type MirrorStack = {
  redis: Redis;
  redisUrl: string;
  emulatorUrl: string;
  /** The app's environment (workers and app instances); `secret` signs session cookies. */
  env: NodeJS.ProcessEnv;
  secret: string;
  publicUrl: string;
  logDir: string;
  startWorker(name: string): Child;
  /** Polls the mirror's status until `ready` says so; the status it saw last, or a timeout error. */
  waitForStatus(ready: (status: MirrorStatus) => boolean, timeoutMs: number, pollMs?: number): Promise<MirrorStatus>;
};

export type Cleanups = ReturnType<typeof cleanupStack>;

/** Set when a run fails, so its logs stay for a reader. */
let runFailed = false;

/** The address browsers would use; the benches send requests straight to each instance's port. */
const publicUrl = "http://127.0.0.1:3000";

export function benchProgress(bench: string): (message: string) => void {
  return (message) => process.stderr.write(`[${bench} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function startMirrorStack(bench: string, progress: (message: string) => void, cleanups: Cleanups): Promise<MirrorStack> {
  const workDir = mkdtempSync(join(tmpdir(), `safa-${bench}-`));
  cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
  const logDir = mkdtempSync(join(tmpdir(), `safa-${bench}-logs-`));
  progress(`logs of the child processes: ${logDir} (kept if the run fails)`);
  cleanups.push(async () => {
    if (!runFailed) rmSync(logDir, { recursive: true, force: true });
  });

  const redisServer = await startRedisServer({ dataDir: join(workDir, "redis") });
  cleanups.push(() => redisServer.stop());
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  cleanups.push(async () => redis.disconnect());
  const emulator = await startEmulatorProcess(logDir);
  cleanups.push(() => emulator.child.stop());

  const { env, secret } = appEnvironment({ redisUrl: redisServer.url, emulatorUrl: emulator.url, publicUrl });
  return {
    redis,
    redisUrl: redisServer.url,
    emulatorUrl: emulator.url,
    env,
    secret,
    publicUrl,
    logDir,
    startWorker(name) {
      const child = spawnTs(name, "scripts/gateway.ts", [], { logDir, env });
      cleanups.push(() => child.stop());
      return child;
    },
    async waitForStatus(ready, timeoutMs, pollMs = 50) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await readMirrorStatus(redis, fixture.guildId);
        if (ready(status)) return status;
        if (Date.now() > deadline) throw new Error(`the mirror did not get there within ${timeoutMs} ms (last status: ${JSON.stringify(status)})`);
        await sleep(pollMs);
      }
    },
  };
}

/** Kills a worker as a crash would: SIGKILL to its process group, no hand-over. */
export async function killWorker(child: Child): Promise<void> {
  if (child.process.pid !== undefined) process.kill(-child.process.pid, "SIGKILL");
  await child.exited;
}

/** The worker id scripts/gateway.ts gives itself names its pid (`<host>-<pid>-<suffix>`). */
export function isWorkerOf(child: Child, leaderId: string | null): boolean {
  return leaderId !== null && child.process.pid !== undefined && leaderId.includes(`-${child.process.pid}-`);
}

const guildState = z.object({ personas: z.array(z.object({ id: z.string(), username: z.string(), member: z.boolean(), roles: z.array(z.string()) })) });

async function guildUsers(emulatorUrl: string): Promise<z.infer<typeof guildState>["personas"]> {
  return guildState.parse(await controlCall(`${emulatorUrl}/__emulator/personas?all=1`)).personas;
}

/** Every user's membership and roles as the emulator holds them now (its control API, synthetic users included). */
export async function emulatorMembers(emulatorUrl: string): Promise<Map<string, string[]>> {
  return new Map((await guildUsers(emulatorUrl)).filter((user) => user.member).map((user) => [user.id, user.roles]));
}

/** `count` synthetic members in one control call (one GUILD_MEMBER_ADD each), named `<prefix><n>`; returns their ids. */
export async function addBulkMembers(emulatorUrl: string, count: number, prefix: string): Promise<string[]> {
  await controlCall(`${emulatorUrl}/__emulator/members/bulk`, { count, username_prefix: prefix, roles: [fixture.roles.updatedProfile] });
  return (await guildUsers(emulatorUrl)).filter((user) => user.member && user.username.startsWith(prefix)).map((user) => user.id);
}

/** Runs `main` with the stack's clean-ups on exit, on failure, on SIGINT/SIGTERM and past `watchdogMs`. */
export function runBench(name: string, watchdogMs: number, main: (progress: (message: string) => void, cleanups: Cleanups) => Promise<void>): void {
  const progress = benchProgress(name);
  const cleanups = cleanupStack();
  const watchdog = setTimeout(() => {
    progress(`still running after ${watchdogMs / 1_000} s; stopping`);
    runFailed = true;
    void cleanups.run().then(() => process.exit(1));
  }, watchdogMs);
  watchdog.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void cleanups.run().then(() => process.exit(130)));
  main(progress, cleanups)
    .then(async () => {
      clearTimeout(watchdog);
      await cleanups.run();
      process.exit(0);
    })
    .catch(async (error: unknown) => {
      runFailed = true;
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      await cleanups.run();
      process.exit(1);
    });
}
