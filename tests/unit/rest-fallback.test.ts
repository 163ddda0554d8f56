import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { createDiscordRest, type DiscordRest, type RestEvents } from "@/lib/discord/rest";
import { metrics } from "@/lib/metrics";
import { findFreePort } from "@/scripts/free-port";
import { startRedisServer, type RedisServerHandle } from "@/scripts/redis-server";
import { fakeDiscord, guildId, randomPrefix } from "./rest-kit";

let rest: DiscordRest | undefined;
let redis: Redis | undefined;
let server: RedisServerHandle | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "safa-rest-fallback-"));

afterEach(async () => {
  await rest?.close();
  redis?.disconnect();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function gauge(): Promise<number> {
  return (await metrics.restFallbackActive.get()).values[0]?.value ?? 0;
}

describe("Redis fallback", () => {
  it("limits per process at a reduced share while Redis is down, and goes back once it answers", async () => {
    const port = await findFreePort();
    redis = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    redis.on("error", () => undefined);
    const discord = fakeDiscord({ limit: 8, windowMs: 400 });
    rest = createDiscordRest({
      redis,
      botToken: "bot-token",
      apiBase: "http://discord.test/api/v10",
      keyPrefix: randomPrefix(),
      transport: discord.transport,
      policy: { redisTimeoutMs: 100, redisProbeIntervalMs: 100, maxPollMs: 50, requestTimeoutMs: 1_000, leaseGraceMs: 200 },
    });
    const changes: RestEvents["fallback"][] = [];
    rest.on("fallback", (change) => changes.push(change));

    const started = Date.now();
    for (let i = 0; i < 6; i += 1) await rest.get(Routes.guildRoles(guildId));
    // A quarter of 8 per 400 ms window: the first answer teaches the limit, then 2 per window.
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(discord.state.rateLimited).toBe(0);
    expect(changes[0]).toMatchObject({ active: true });
    expect(await gauge()).toBe(1);
    expect((await rest.inspect()).source).toBe("local");

    server = await startRedisServer({ dataDir, port });
    await expect.poll(() => changes.length, { timeout: 5_000 }).toBe(2);
    expect(changes[1]).toEqual({ active: false });
    expect(await gauge()).toBe(0);
    await rest.get(Routes.guildRoles(guildId));
    expect((await rest.inspect()).source).toBe("redis");
  });
});
