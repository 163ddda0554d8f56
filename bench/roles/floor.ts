import { loadavg } from "node:os";
import type { Redis } from "ioredis";
import { rateLimitPolicies } from "@/lib/api/ratelimit-policies";
import { findFreePort } from "../../scripts/free-port";
import { appEnvironment, ensureAppBuild, startAppInstance, type AppVariant } from "../shared/app";
import { createHttpClient, type HttpAnswer, type HttpClient } from "../shared/http";
import { mapLimit } from "../shared/kit";
import { benchTokenStore, signInUsers, withSessionCookies } from "../shared/users";
import type { FocusProfile, MemberLimit } from "./config";
import type { EmulatorControl } from "./emulator";

export type FloorResult = {
  variant: AppVariant;
  users: number;
  concurrency: number;
  health: LoopTotals;
  roles: LoopTotals;
  ratio: number;
  /** roles / health of each round, to show how steady the machine was. */
  roundRatios: number[];
  /** The host's 1-minute load average when the measurement began. */
  loadAverage: number;
  discordCallsDuring: number;
  /** Why the roles rounds were cut short, when they were. */
  cutShort: string | null;
};

export type LoopTotals = {
  requests: number;
  good: number;
  bad: number;
  elapsedMs: number;
  perSecond: number;
  /** CPU the app's process spent meanwhile, milliseconds; null when it cannot be read. */
  serverCpuMs: number | null;
};

type Target = { url: string; headers: Record<string, string> };

/** Margin before the pacing locks expire, inside which no roles round runs. */
const lockMarginMs = 5_000;

type Loop = { client: HttpClient; concurrency: number; serverCpuMs: () => number | null };

async function closedLoop(loop: Loop, durationMs: number, pick: () => Target | null, good: (answer: HttpAnswer) => boolean): Promise<LoopTotals> {
  const { client, concurrency } = loop;
  const cpuBefore = loop.serverCpuMs();
  const started = Date.now();
  const endsAt = started + durationMs;
  let requests = 0;
  let ok = 0;
  async function worker(): Promise<void> {
    while (Date.now() < endsAt) {
      const target = pick();
      if (!target) return;
      requests += 1;
      const answer = await client.get(target.url, { headers: target.headers }).catch(() => null);
      if (answer && good(answer)) ok += 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = Date.now() - started;
  const cpuAfter = loop.serverCpuMs();
  const serverCpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return { requests, good: ok, bad: requests - ok, elapsedMs, perSecond: (requests * 1_000) / Math.max(1, elapsedMs), serverCpuMs };
}

function addTotals(a: LoopTotals, b: LoopTotals): LoopTotals {
  const requests = a.requests + b.requests;
  const elapsedMs = a.elapsedMs + b.elapsedMs;
  const serverCpuMs = a.serverCpuMs === null || b.serverCpuMs === null ? null : a.serverCpuMs + b.serverCpuMs;
  return { requests, good: a.good + b.good, bad: a.bad + b.bad, elapsedMs, perSecond: (requests * 1_000) / Math.max(1, elapsedMs), serverCpuMs };
}

const emptyTotals: LoopTotals = { requests: 0, good: 0, bad: 0, elapsedMs: 0, perSecond: 0, serverCpuMs: 0 };

/**
 * The framework's floor against a cache hit of /api/roles, on the real app.
 * Why it is measured this way:
 * - a cache hit is the role service's "paced" answer: the user's pacing lock
 *   lives, the cached roles are served, Discord is not asked. To keep every
 *   user there for the whole measurement, the bench spends all but one of the
 *   user's Discord budget directly at the emulator, then warms the cache with
 *   one request through the app: that last call leaves 0 remaining, so the
 *   lock lives until the window resets (about a minute).
 * - the app allows 60 /api/roles per user per minute; a 429 from that limiter
 *   is not a cache hit, so requests are spread round-robin over many users and
 *   no user is sent more than its allowance.
 * - every roles answer is checked (200 with stale true, discordBusy false) and
 *   the emulator's member-lookup counter must not move during the measurement.
 * - /api/health (no Redis, no Discord) is the framework's floor; both routes get
 *   the same session cookie, concurrency and keep-alive connections, in short
 *   alternating rounds so drift in the machine's load hits both alike.
 * - the app process's CPU time per request is recorded too: on a shared
 *   machine throughput follows whatever else runs, CPU per request much less.
 */
export async function measureFloor(
  env: { redis: Redis; redisUrl: string; emulator: EmulatorControl; logDir: string },
  floor: FocusProfile["floor"],
  limit: MemberLimit,
): Promise<FloorResult> {
  await env.emulator.reset();
  await env.redis.flushall();
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const { env: appEnv, secret } = appEnvironment({ redisUrl: env.redisUrl, emulatorUrl: env.emulator.url, publicUrl: url });
  const build = await ensureAppBuild({ env: appEnv, logDir: env.logDir, apiOnlyFallback: true });
  const app = await startAppInstance(build, { name: "app", port, env: appEnv, logDir: env.logDir });
  const client = createHttpClient({ maxSockets: floor.concurrency, timeoutMs: 10_000 });
  try {
    const tokens = benchTokenStore({ redis: env.redis, secret, emulatorUrl: env.emulator.url });
    const users = await withSessionCookies(await signInUsers({ emulatorUrl: env.emulator.url, tokens, count: floor.users, prefix: "floor" }), secret);
    const cookies = users.map((user) => user.cookie);

    const spentAt = Date.now();
    await mapLimit(users, 16, async (user) => {
      for (let call = 1; call < limit.count; call += 1) {
        const response = await env.emulator.callMember(user.accessToken);
        if (response.status !== 200) throw new Error(`spending the budget of ${user.username}: the emulator answered ${response.status}`);
      }
    });
    await mapLimit(users, floor.concurrency, async (user, index) => {
      const answer = await client.get(`${url}/api/roles`, { headers: { Cookie: cookies[index] ?? "" } });
      if (answer.status !== 200 || !answer.body.includes('"stale":false')) {
        throw new Error(`warming the cache of ${user.username}: /api/roles answered ${answer.status} ${answer.body.slice(0, 200)}`);
      }
    });
    const locksEndAt = spentAt + limit.windowMs - lockMarginMs;

    // The warm-up request used one hit of each user's allowance; keep one more in reserve.
    const allowance = rateLimitPolicies.roles.hits - 2;
    const used = new Array<number>(users.length).fill(0);
    let cursor = 0;
    let exhausted = false;
    const pickRoles = (): Target | null => {
      for (let tried = 0; tried < users.length; tried += 1) {
        const index = cursor;
        cursor = (cursor + 1) % users.length;
        if ((used[index] ?? allowance) < allowance) {
          used[index] = (used[index] ?? 0) + 1;
          return { url: `${url}/api/roles`, headers: { Cookie: cookies[index] ?? "" } };
        }
      }
      exhausted = true;
      return null;
    };
    let healthCursor = 0;
    const pickHealth = (): Target => {
      healthCursor = (healthCursor + 1) % cookies.length;
      return { url: `${url}/api/health`, headers: { Cookie: cookies[healthCursor] ?? "" } };
    };
    const healthOk = (answer: HttpAnswer) => answer.status === 200;
    const rolesHit = (answer: HttpAnswer) => answer.status === 200 && answer.body.includes('"stale":true') && answer.body.includes('"discordBusy":false');

    const loop: Loop = { client, concurrency: floor.concurrency, serverCpuMs: () => app.cpuMs() };
    const before = await env.emulator.memberStats();
    const loadAverage = loadavg()[0] ?? Number.NaN;
    await closedLoop(loop, floor.warmupMs, pickHealth, healthOk);
    await closedLoop(loop, Math.min(floor.warmupMs, locksEndAt - Date.now()), pickRoles, rolesHit);
    let health = emptyTotals;
    let roles = emptyTotals;
    const roundRatios: number[] = [];
    let cutShort: string | null = null;
    for (let round = 0; round < floor.rounds; round += 1) {
      const rolesMs = Math.min(floor.roundMs, locksEndAt - Date.now() - floor.roundMs);
      if (rolesMs < floor.roundMs) cutShort = "the pacing locks were about to expire";
      if (rolesMs <= 0) break;
      const healthRound = await closedLoop(loop, floor.roundMs, pickHealth, healthOk);
      const rolesRound = await closedLoop(loop, rolesMs, pickRoles, rolesHit);
      roundRatios.push(rolesRound.perSecond / Math.max(1e-9, healthRound.perSecond));
      health = addTotals(health, healthRound);
      roles = addTotals(roles, rolesRound);
      if (exhausted) {
        cutShort = "every user had used the per-user allowance of /api/roles";
        break;
      }
    }
    const after = await env.emulator.memberStats();
    return {
      variant: build.variant,
      users: users.length,
      concurrency: floor.concurrency,
      health,
      roles,
      ratio: roles.perSecond / Math.max(1e-9, health.perSecond),
      roundRatios,
      loadAverage,
      discordCallsDuring: after.requests - before.requests,
      cutShort,
    };
  } finally {
    client.close();
    await app.stop();
  }
}
