import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import { acquireLease, fenceOf, releaseLease, renewLease } from "@/lib/gateway/lease";
import { readMirrorStatus } from "@/lib/gateway/status";
import { createGatewayWorker, type GatewayWorker } from "@/lib/gateway/worker";
import { freshRedis } from "../../helpers/harness";
import { testGuildId } from "../../unit/gateway/dispatches";

/** The lease alone, and workers competing for it (their Gateway unreachable: only the lease is under test). */
describe("the Gateway lease", () => {
  let redis: Redis;
  const keys = gatewayKeyspace(testGuildId);
  const now = 1_800_000_000_000;

  beforeEach(async () => {
    redis = await freshRedis();
  });
  afterEach(() => redis.disconnect());

  it("is held by one worker at a time, each new holder with a larger fencing token", async () => {
    const first = await acquireLease(redis, keys, "w1", 60_000, now);
    expect(first).toBe("1:w1");
    expect(await acquireLease(redis, keys, "w2", 60_000, now)).toBeNull();
    await releaseLease(redis, keys, first ?? "");
    const second = await acquireLease(redis, keys, "w2", 60_000, now);
    expect(second).toBe("2:w2");
    expect(fenceOf(second ?? "")).toBe(2);
    expect(await readMirrorStatus(redis, testGuildId)).toMatchObject({ leaderId: "w2", fence: 2 });
  });

  it("is renewed only by its holder, and records the heartbeat only while connected", async () => {
    const holder = (await acquireLease(redis, keys, "w1", 200, now)) ?? "";
    expect(await renewLease(redis, keys, holder, 60_000, now + 1, false)).toBe(true);
    expect(await redis.hget(keys.status, "heartbeatAt")).toBeNull();
    expect(await renewLease(redis, keys, holder, 60_000, now + 2, true)).toBe(true);
    expect(await redis.hget(keys.status, "heartbeatAt")).toBe(String(now + 2));
    expect(await redis.pttl(keys.lease)).toBeGreaterThan(50_000);
    expect(await renewLease(redis, keys, "1:w2", 60_000, now, true)).toBe(false);
    expect(await renewLease(redis, keys, "0:w1", 60_000, now, true)).toBe(false);
  });

  it("expires when not renewed, and a standby takes it with a new token; the old holder can neither renew nor release it", async () => {
    const old = (await acquireLease(redis, keys, "w1", 100, now)) ?? "";
    await sleep(150);
    const standby = await acquireLease(redis, keys, "w2", 60_000, now);
    expect(standby).toBe("2:w2");
    expect(await renewLease(redis, keys, old, 60_000, now, true)).toBe(false);
    await releaseLease(redis, keys, old);
    expect(await redis.get(keys.lease)).toBe("2:w2");
  });

  describe("between workers", () => {
    let workers: GatewayWorker[] = [];
    let connections: Redis[] = [];
    const policy = { leaseMs: 400, renewEveryMs: 100, standbyPollMs: 100, connectRetryMs: 60_000 };

    afterEach(async () => {
      await Promise.all(workers.map((worker) => worker.stop("abandon")));
      for (const connection of connections) connection.disconnect();
      workers = [];
      connections = [];
    });

    function worker(workerId: string): GatewayWorker {
      const connection = redis.duplicate();
      connections.push(connection);
      // Nothing listens on port 9: the connection fails, the lease is what is tested.
      const created = createGatewayWorker({ redis: connection, guildId: testGuildId, botToken: "unused", apiBase: "http://127.0.0.1:9/api/v10", workerId, policy });
      workers.push(created);
      created.start();
      return created;
    }

    it("elects exactly one leader, and the standby takes over when the leader stops renewing", async () => {
      const pool = [worker("w1"), worker("w2"), worker("w3")];
      await expect.poll(() => pool.filter((w) => w.isLeader()).length).toBe(1);
      await sleep(500);
      expect(pool.filter((w) => w.isLeader())).toHaveLength(1);
      const leader = pool.find((w) => w.isLeader());
      await leader?.stop("abandon");
      const diedAt = Date.now();
      await expect.poll(() => pool.filter((w) => w !== leader && w.isLeader()).length, { timeout: 10_000, interval: 20 }).toBe(1);
      expect(Date.now() - diedAt).toBeGreaterThanOrEqual(250);
      expect((await readMirrorStatus(redis, testGuildId)).fence).toBe(2);
    });

    it("a leader whose lease was taken from it steps down at its next renewal", async () => {
      const only = worker("w1");
      await expect.poll(() => only.isLeader()).toBe(true);
      await redis.set(keys.lease, "99:intruder", "PX", 60_000);
      await expect.poll(() => only.isLeader(), { timeout: 5_000, interval: 20 }).toBe(false);
    });

    it("a graceful stop gives the lease back at once", async () => {
      const first = worker("w1");
      await expect.poll(() => first.isLeader()).toBe(true);
      const second = worker("w2");
      await first.stop("handover");
      await expect.poll(() => second.isLeader(), { timeout: 2_500, interval: 20 }).toBe(true);
    });
  });
});
