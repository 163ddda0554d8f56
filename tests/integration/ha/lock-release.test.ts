import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productKeyspace } from "@/lib/actions/keys";
import { lockSubjects } from "@/lib/actions/locks";
import { actionPolicy } from "@/lib/actions/policy";
import { createRedis, waitUntilReady } from "@/lib/redis/connection";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/redis-server";

/**
 * An action that ends while Redis is away (a primary dying, a failover)
 * cannot release its locks then; kept, they would hold its team or user
 * "busy" for the rest of the lease once a replica (which has them) is
 * promoted. The release is tried again until Redis answers.
 */
describe("releasing action locks across a Redis outage", () => {
  let dataDir: string;
  let server: RedisServerHandle;
  let redis: Redis;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "safa-lock-release-"));
    server = await startRedisServer({ dataDir });
    redis = createRedis(server.url);
    expect(await waitUntilReady(redis, 5_000)).toBe(true);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("releases a lock whose release failed as soon as Redis is back, long before its lease ends", async () => {
    const keys = productKeyspace("lock-release:");
    const held = await lockSubjects(redis, keys, ["user:1", "team:2"]);
    expect(await redis.exists(keys.lock("user:1"), keys.lock("team:2"))).toBe(2);

    // Stopped cleanly, so its append-only file keeps the locks, as a replica would.
    await server.stop();
    await expect(held.release()).resolves.toBeUndefined();

    server = await startRedisServer({ dataDir, port: server.port });
    expect(await waitUntilReady(redis, 10_000)).toBe(true);
    const backAt = Date.now();
    while ((await redis.exists(keys.lock("user:1"), keys.lock("team:2"))) > 0) {
      expect(Date.now() - backAt, "the locks outlived Redis' return by more than 3 s").toBeLessThan(3_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(actionPolicy.lockLeaseMs).toBeGreaterThan(10_000);

    // Taken again at once by the next action on the same subjects.
    const next = await lockSubjects(redis, keys, ["user:1"]);
    await next.release();
    expect(await redis.exists(keys.lock("user:1"))).toBe(0);
  });
});
