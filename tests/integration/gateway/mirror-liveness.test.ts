import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ResyncedListener } from "@/lib/gateway/leader";
import type { GatewayPolicy } from "@/lib/gateway/policy";
import { readMirrorStatus, type MirrorStatus } from "@/lib/gateway/status";
import { createGatewayWorker, type GatewayWorker } from "@/lib/gateway/worker";
import { createRedis } from "@/lib/redis/connection";
import type { PrimaryChange } from "@/lib/redis/primary-watch";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/redis-server";
import { botToken } from "../../helpers/gateway-kit";
import { appServices, emulator, freshRedis, guildId, memberRoute, personas, roleIds, signIn, type TestEmulator } from "../../helpers/harness";

/**
 * When the mirror may be missing events, the app must stop answering from
 * it at once: after a session Discord will not resume (op 9 false) it is
 * not live before the new session's resync even begins, and the role
 * service asks Discord on the paced path; a resumable drop followed by
 * RESUMED keeps it live (nothing is missed). A change of Redis primary
 * (the mirror may have rolled back) makes the leader resync.
 */
const quickPolicy: Partial<GatewayPolicy> = { leaseMs: 600, renewEveryMs: 150, standbyPollMs: 150, connectRetryMs: 200, retryPauseMs: 50 };

type GatewayStats = { identifies: number; resumes: number; memberRequests: number; memberRequestsRateLimited: number };

let emu: TestEmulator;
/** The emulator's clock runs ahead by this much: moved close to the 30 s all-members limit, a second resync waits about a second, not thirty. */
let clockOffsetMs = 0;
let redis: Redis;
let workers: GatewayWorker[] = [];
let connections: Redis[] = [];

beforeAll(async () => {
  emu = await emulator({
    clock: () => Date.now() + clockOffsetMs,
    globalLimitPerSecond: 1_000,
    routeLimits: { "GET /gateway/bot": { count: 100, windowSeconds: 1 } },
    gateway: { heartbeatIntervalMs: 1_000, maxConcurrency: 16 },
  });
});
afterAll(() => emu.close());
beforeEach(async () => {
  clockOffsetMs = 0;
  await emu.control("reset", { body: {} });
  redis = await freshRedis();
});
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop("abandon")));
  for (const connection of connections) connection.disconnect();
  workers = [];
  connections = [];
  redis.disconnect();
});

type WorkerSetup = { policy?: Partial<GatewayPolicy>; connection?: Redis; onResynced?: ResyncedListener; primaryChanges?: ((change: PrimaryChange) => void)[] };

function startWorker(workerId: string, setup: WorkerSetup = {}): GatewayWorker {
  const connection = setup.connection ?? redis.duplicate();
  connections.push(connection);
  const injected = setup.primaryChanges;
  const worker = createGatewayWorker({
    redis: connection,
    guildId,
    botToken,
    apiBase: emu.apiBase,
    workerId,
    policy: setup.policy ?? quickPolicy,
    ...(setup.onResynced ? { onResynced: setup.onResynced } : {}),
    // A test that injects changes takes the listener; the others watch their connection for real.
    ...(injected
      ? {
          watchPrimary: (_redis: Redis, listener: (change: PrimaryChange) => void) => {
            injected.push(listener);
            return () => undefined;
          },
        }
      : {}),
  });
  workers.push(worker);
  worker.start();
  return worker;
}

const status = (from: Redis = redis): Promise<MirrorStatus> => readMirrorStatus(from, guildId);

async function live(from: Redis = redis, timeoutMs = 10_000): Promise<void> {
  await expect.poll(async () => (await status(from)).live, { timeout: timeoutMs, interval: 25 }).toBe(true);
}

/** The Gateway's counters, with `membersAnswered`: all-members requests answered with chunks (not RATE_LIMITED). */
async function gatewayStats(): Promise<GatewayStats & { membersAnswered: number }> {
  const { gateway } = await emu.control<{ gateway: GatewayStats }>("stats");
  return { ...gateway, membersAnswered: gateway.memberRequests - gateway.memberRequestsRateLimited };
}

async function memberLookups(): Promise<number> {
  return (await emu.stats()).routes[memberRoute]?.requests ?? 0;
}

describe("the mirror's liveness when its Gateway session is lost", () => {
  it("is not live from the moment Discord invalidates the session, before the new session's resync begins; the role service asks Discord meanwhile; live again after the resync", async () => {
    const services = appServices(redis, emu);
    try {
      startWorker("w1");
      await live();
      const session = await signIn(emu, services, personas.player);
      expect(await services.roles.lookup(personas.player, session.sessionId)).toMatchObject({ kind: "roles", how: "live" });

      // Close to the 30 s limit since the first members request: the new session's waits a second at most, not thirty.
      clockOffsetMs = 29_000;
      await emu.control("gateway/invalidate-session", { body: { resumable: false } });
      // The new session is at least half a second away (the library pauses before reconnecting, then paces identifies).
      let lost: MirrorStatus | null = null;
      await expect
        .poll(
          async () => {
            lost = await status();
            return lost.resyncNeeded?.why;
          },
          { timeout: 2_000, interval: 10 },
        )
        .toBe("session-lost");
      expect(lost).toMatchObject({ live: false, resyncRunning: false, resyncCount: 1 });

      const during = await services.roles.lookup(personas.player, session.sessionId);
      expect(during).toMatchObject({ kind: "roles", how: "fresh" });
      expect(await memberLookups()).toBe(1);

      await live(redis, 20_000);
      expect(await status()).toMatchObject({ resyncCount: 2, resyncNeeded: null });
      expect(await gatewayStats()).toMatchObject({ identifies: 2, membersAnswered: 2 });
      expect(await services.roles.lookup(personas.player, session.sessionId)).toMatchObject({ kind: "roles", how: "live" });
      expect(await memberLookups()).toBe(1);
    } finally {
      await services.rest.close();
    }
  }, 30_000);

  it("stays live through a resumable drop followed by RESUMED: nothing is missed and nothing is resynced", async () => {
    const only = startWorker("w1");
    await live();
    const samples: boolean[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push((await status()).live);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    await emu.control("gateway/drop", { body: {} });
    await emu.botRole("PUT", personas.newcomer, roleIds.freeAgent);
    const cachedRoles = async () => (JSON.parse((await redis.get(`discord_roles_${guildId}_${personas.newcomer}`)) ?? "{}") as { roles?: string[] }).roles ?? [];
    await expect.poll(cachedRoles, { timeout: 10_000, interval: 20 }).toContain(roleIds.freeAgent);
    await expect.poll(() => only.isConnected(), { timeout: 10_000, interval: 20 }).toBe(true);
    sampling = false;
    await sampler;

    expect(await gatewayStats()).toMatchObject({ identifies: 1, resumes: 1, membersAnswered: 1 });
    expect(samples.length).toBeGreaterThan(5);
    // The resume took less than the heartbeat's allowance: the status never flapped.
    expect(samples.every(Boolean)).toBe(true);
    expect(await status()).toMatchObject({ live: true, resyncCount: 1, resyncNeeded: null });
  });

  it("is live again as soon as RESUMED is in the mirror, without waiting for the next lease renewal", async () => {
    // Renewals a minute apart: only the beat written on catching up can make the mirror live.
    startWorker("w1", { policy: { ...quickPolicy, leaseMs: 120_000, renewEveryMs: 60_000 } });
    await live();
    // No beat for longer than the allowance: not live.
    await expect.poll(async () => (await status()).live, { timeout: 6_000, interval: 50 }).toBe(false);
    await emu.control("gateway/drop", { body: {} });
    await live(redis, 5_000);
    expect(await gatewayStats()).toMatchObject({ identifies: 1, resumes: 1 });
    expect(await status()).toMatchObject({ resyncCount: 1 });
  });
});

describe("the mirror after Redis changed primary", () => {
  it("the leader marks the mirror not live and resyncs everyone, then teams are reconciled as after any resync", async () => {
    const listeners: ((change: PrimaryChange) => void)[] = [];
    const resyncs: (string | null)[] = [];
    startWorker("w1", { primaryChanges: listeners, onResynced: ({ botUserId }) => resyncs.push(botUserId) });
    await live();
    expect(resyncs).toHaveLength(1);
    // A member the rolled-back mirror still holds though Discord no longer has them.
    await redis.hset(`safa:gateway:${guildId}:members`, "1299999999999999999", JSON.stringify({ member: true, roles: [], nick: null, joinedAt: null, fetchedAt: 1 }));

    clockOffsetMs = 29_000;
    for (const listener of listeners) listener({ previousRunId: "a".repeat(40), runId: "b".repeat(40), at: Date.now() });
    await expect.poll(async () => (await status()).live, { timeout: 1_000, interval: 10 }).toBe(false);

    await expect.poll(async () => (await status()).resyncCount, { timeout: 10_000, interval: 25 }).toBe(2);
    await live(redis, 15_000);
    expect(await redis.hexists(`safa:gateway:${guildId}:members`, "1299999999999999999")).toBe(0);
    expect(resyncs).toHaveLength(2);
    expect(await gatewayStats()).toMatchObject({ identifies: 1, membersAnswered: 2 });
  }, 30_000);

  it("a standby that saw the change and leads later resyncs, unless the leader marked a resync since", async () => {
    const leaderHeard: ((change: PrimaryChange) => void)[] = [];
    const standbyHeard: ((change: PrimaryChange) => void)[] = [];
    const first = startWorker("w1", { primaryChanges: leaderHeard });
    await live();
    const second = startWorker("w2", { primaryChanges: standbyHeard });

    // Only the standby saw it (the leader's connection had not noticed): it resyncs when it takes over.
    clockOffsetMs = 29_000;
    for (const listener of standbyHeard) listener({ previousRunId: "a".repeat(40), runId: "b".repeat(40), at: Date.now() });
    await first.stop("handover");
    await expect.poll(() => second.isConnected(), { timeout: 10_000, interval: 20 }).toBe(true);
    await expect.poll(async () => (await status()).resyncCount, { timeout: 10_000, interval: 25 }).toBe(2);
    await live(redis, 15_000);
    expect(await gatewayStats()).toMatchObject({ identifies: 1, resumes: 1, membersAnswered: 2 });

    // Both saw the next one; the leader resyncs, and the standby taking over after it does not again.
    const third = startWorker("w3", { primaryChanges: standbyHeard });
    clockOffsetMs = 2 * 29_000;
    for (const listener of [...leaderHeard, ...standbyHeard]) listener({ previousRunId: "b".repeat(40), runId: "c".repeat(40), at: Date.now() });
    await expect.poll(async () => (await status()).resyncCount, { timeout: 10_000, interval: 25 }).toBe(3);
    await live(redis, 15_000);
    await second.stop("handover");
    await expect.poll(() => third.isConnected(), { timeout: 10_000, interval: 20 }).toBe(true);
    await live();
    expect(await status()).toMatchObject({ leaderId: "w3", resyncCount: 3 });
    expect(await gatewayStats()).toMatchObject({ membersAnswered: 3 });
  }, 40_000);

  it("a real restart of Redis on a new run_id (its data kept) makes the leader resync", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "safa-gateway-primary-"));
    let server: RedisServerHandle | null = await startRedisServer({ dataDir, appendfsync: "always" });
    const reader = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    try {
      // A lease long enough to outlive the restart: the same leader carries on, only the resync tells.
      startWorker("w1", { connection: createRedis(server.url), policy: { ...quickPolicy, leaseMs: 10_000 } });
      await live(reader);
      const runIdBefore = /run_id:(\w+)/.exec(await reader.info("server"))?.[1];

      clockOffsetMs = 29_000;
      const port = server.port;
      await server.stop();
      server = await startRedisServer({ dataDir, port, appendfsync: "always" });
      await expect.poll(async () => /run_id:(\w+)/.exec(await reader.info("server"))?.[1], { timeout: 5_000, interval: 50 }).not.toBe(runIdBefore);

      await expect.poll(async () => (await status(reader)).resyncCount, { timeout: 10_000, interval: 25 }).toBe(2);
      await live(reader, 15_000);
      expect(await status(reader)).toMatchObject({ leaderId: "w1", fence: 1, resyncNeeded: null });
      expect(await gatewayStats()).toMatchObject({ identifies: 1, membersAnswered: 2 });
    } finally {
      await Promise.all(workers.map((worker) => worker.stop("abandon")));
      workers = [];
      reader.disconnect();
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});
