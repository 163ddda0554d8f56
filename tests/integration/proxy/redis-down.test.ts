import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import { startProxy, type ProxyHandle } from "@/lib/discord/proxy/start-proxy";
import { findFreePort } from "@/scripts/free-port";
import { startRedisServer, type RedisServerHandle } from "@/scripts/redis-server";
import { botToken } from "../../helpers/proxy-kit";

const guildId = "1100000000000000001";
const dataDir = mkdtempSync(join(tmpdir(), "safa-proxy-redis-"));
let emulator: EmulatorHandle;
let server: RedisServerHandle | undefined;
let redis: Redis;
let proxy: ProxyHandle;
let port: number;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, routeLimits: { "GET /guilds/:guild_id/roles": { count: 100, windowSeconds: 1 } } });
  port = await findFreePort();
  server = await startRedisServer({ dataDir, port });
  redis = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  redis.on("error", () => undefined);
  proxy = await startProxy({
    // A global limit of 8 per second: the local fallback's quarter is 2 per second.
    config: { host: "127.0.0.1", port: 0, apiBase: `${emulator.url}/api/v10`, redis: { kind: "url", url: "unused" }, botTokens: [botToken], allowBearer: false, deadlineMs: 10_000, maxBodyBytes: 1_024, globalPerSecond: 8 },
    redis,
    keyPrefix: `it:${randomBytes(4).toString("hex")}:`,
    policy: { redisTimeoutMs: 100, redisProbeIntervalMs: 100, maxPollMs: 50 },
  });
});
afterAll(async () => {
  await proxy?.close();
  redis?.disconnect();
  await server?.stop();
  await emulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const health = async () => ((await (await fetch(`${proxy.url}/healthz`)).json()) as { limits: string }).limits;
async function fallbackGauge(): Promise<number> {
  const text = await (await fetch(`${proxy.url}/metrics`)).text();
  const line = text.split("\n").find((entry) => entry.startsWith("safa_discord_rest_local_fallback "));
  return Number(line?.split(" ")[1]);
}
const roles = () => fetch(`${proxy.url}/api/v10${Routes.guildRoles(guildId)}`, { headers: { Authorization: `Bot ${botToken}` } });

describe("proxy while Redis is down", () => {
  it("keeps forwarding at the coarse local limits, says so in /metrics and /healthz, and goes back to the shared state", async () => {
    expect((await roles()).status).toBe(200);
    expect(await health()).toBe("shared");
    expect(await fallbackGauge()).toBe(0);

    await server?.stop();
    server = undefined;
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await roles()).status);
    // Two per second on the fallback: the 5th and 6th requests wait for the third second.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000 - 100);
    expect(await fallbackGauge()).toBe(1);
    expect(await health()).toBe("local-fallback");

    server = await startRedisServer({ dataDir, port });
    await expect.poll(health, { timeout: 5_000, interval: 100 }).toBe("shared");
    expect(await fallbackGauge()).toBe(0);
    expect((await roles()).status).toBe(200);
    const seen = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number };
    expect(seen).toMatchObject({ requests: 8, rateLimited: 0 });
  });
});
