import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createExpiringKeyMemory, restoreExpiringKeys } from "@/lib/redis/expiring-keys";

/**
 * Setting remembered keys again on a Redis that lost them (as a promoted
 * replica may), against a real redis-server: missing keys come back with the
 * time they have left, longer ones are never shortened, and a memory larger
 * than one script call is restored in full.
 */
let redis: Redis;
const prefix = `test:expiring:${randomUUID()}:`;

beforeAll(() => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("restoreExpiringKeys", () => {
  it("sets a missing key with the time it has left and its value, and no longer than that", async () => {
    const memory = createExpiringKeyMemory(10);
    memory.remember(`${prefix}ban`, "cloudflare", 40_000);
    expect(await restoreExpiringKeys(redis, memory, 10_000)).toBe(1);
    expect(await redis.get(`${prefix}ban`)).toBe("cloudflare");
    const ttl = await redis.pttl(`${prefix}ban`);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it("lengthens a shorter key, keeps a longer one and one without expiry, and leaves their values", async () => {
    await redis.set(`${prefix}shorter`, "theirs", "PX", 5_000);
    await redis.set(`${prefix}longer`, "theirs", "PX", 90_000);
    await redis.set(`${prefix}forever`, "theirs");
    const memory = createExpiringKeyMemory(10);
    for (const name of ["shorter", "longer", "forever"]) memory.remember(`${prefix}${name}`, "mine", 60_000);
    expect(await restoreExpiringKeys(redis, memory, 0)).toBe(1);
    expect(await redis.pttl(`${prefix}shorter`)).toBeGreaterThan(50_000);
    expect(await redis.pttl(`${prefix}longer`)).toBeGreaterThan(80_000);
    expect(await redis.pttl(`${prefix}forever`)).toBe(-1);
    expect(await redis.mget(`${prefix}shorter`, `${prefix}longer`, `${prefix}forever`)).toEqual(["theirs", "theirs", "theirs"]);
  });

  it("restores a memory larger than one script call, and nothing already expired", async () => {
    const memory = createExpiringKeyMemory(2_000);
    for (let index = 0; index < 1_201; index += 1) memory.remember(`${prefix}lock:${index}`, "pacing", 1_000 + index * 100);
    // At 1,000 the first key has just expired: 1,200 are left to set.
    expect(await restoreExpiringKeys(redis, memory, 1_000)).toBe(1_200);
    expect(await redis.exists(`${prefix}lock:0`)).toBe(0);
    expect(await redis.exists(`${prefix}lock:1200`)).toBe(1);
    expect(await redis.exists(`${prefix}lock:600`)).toBe(1);
  });
});
