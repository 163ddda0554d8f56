import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { createDiscordRest, type DiscordRest, type RestEvents, type Transport } from "@/lib/discord/rest";
import { metrics } from "@/lib/metrics";
import { findFreePort } from "@/scripts/free-port";
import { startRedisServer, type RedisServerHandle } from "@/scripts/redis-server";
import { fakeDiscord, guildId, json, randomPrefix, userId } from "../../helpers/discord-rest-kit";

let rest: DiscordRest | undefined;
let redis: Redis | undefined;
let server: RedisServerHandle | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "safa-rest-fallback-"));

afterEach(async () => {
  await rest?.close();
  redis?.disconnect();
  await server?.stop();
  server = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function gauge(): Promise<number> {
  return (await metrics.restFallbackActive.get()).values[0]?.value ?? 0;
}

/** A client whose Redis is not running (yet): it starts on the local fallback. */
async function clientWithoutRedis(transport: Transport): Promise<{ client: DiscordRest; port: number }> {
  const port = await findFreePort();
  redis = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  redis.on("error", () => undefined);
  rest = createDiscordRest({
    redis,
    botToken: "bot-token",
    apiBase: "http://discord.test/api/v10",
    keyPrefix: randomPrefix(),
    transport,
    // A global limit of 8 per second: the fallback's quarter is 2 per second.
    globalPerSecond: 8,
    policy: { redisTimeoutMs: 100, redisProbeIntervalMs: 100, maxPollMs: 50, requestTimeoutMs: 1_000, leaseGraceMs: 200 },
  });
  return { client: rest, port };
}

describe("Redis fallback", () => {
  it("limits per process at a share of the global limit while Redis is down, and goes back once it answers", async () => {
    const discord = fakeDiscord({ limit: 8, windowMs: 400 });
    const { client, port } = await clientWithoutRedis(discord.transport);
    const changes: RestEvents["fallback"][] = [];
    client.on("fallback", (change) => changes.push(change));

    const started = Date.now();
    for (let i = 0; i < 6; i += 1) await client.get(i % 2 === 0 ? Routes.guildRoles(guildId) : Routes.guildMember(guildId, userId));
    // Two per second: the 5th and 6th requests wait for the third second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(discord.state.rateLimited).toBe(0);
    expect(changes[0]).toMatchObject({ active: true });
    expect(await gauge()).toBe(1);
    expect((await client.inspect()).source).toBe("local");

    server = await startRedisServer({ dataDir, port });
    await expect.poll(() => changes.length, { timeout: 5_000 }).toBe(2);
    expect(changes[1]).toEqual({ active: false });
    expect(await gauge()).toBe(0);
    await client.get(Routes.guildRoles(guildId));
    expect((await client.inspect()).source).toBe("redis");
  });

  it("keeps one request in flight per route while Redis is down", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 30 });
    const { client } = await clientWithoutRedis(discord.transport);
    await Promise.all(Array.from({ length: 3 }, () => client.get(Routes.guildRoles(guildId))));
    expect(discord.state.maxInFlight).toBe(1);
    expect(discord.sent).toHaveLength(3);
  });

  it("holds the token for a 429's Retry-After while Redis is down", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const { client } = await clientWithoutRedis(discord.transport);
    discord.override(() => json(429, { message: "You are being rate limited.", retry_after: 0.3, global: false }, { "x-ratelimit-scope": "shared", "retry-after": "1" }));
    await client.get(Routes.guildRoles(guildId));
    await client.get(Routes.guildMember(guildId, userId));
    const [limited, retried, otherRoute] = discord.sent;
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(290);
    expect(otherRoute!.at - limited!.at).toBeGreaterThanOrEqual(290);
  });
});
