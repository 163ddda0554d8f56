import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import type { ProxyHandle } from "@/lib/discord/proxy/start-proxy";
import { createDiscordRest } from "@/lib/discord/rest";
import { botToken, discordPyPython, proxyFor, runDiscordJs, runDiscordPy, type ClientJob, type ClientResult } from "../../helpers/proxy-kit";

const guildId = "1100000000000000001";
const memberIds = ["1200000000000000002", "1200000000000000003", "1200000000000000004", "1200000000000000005"];
const roleIds = ["1100000000000000101", "1100000000000000102", "1100000000000000103"];
/** Small limits keep the run short: 5 role changes per second per guild, 10 requests per second per token. */
const roleLimit = { count: 5, windowSeconds: 1 };
const globalPerSecond = 10;

let emulator: EmulatorHandle;
let python: string | undefined;
let pythonMissing = "";
let redis: Redis;
let proxies: ProxyHandle[] = [];
let keyPrefix: string;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    globalLimitPerSecond: globalPerSecond,
    routeLimits: {
      "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roleLimit,
      "GET /guilds/:guild_id/roles": { count: 100, windowSeconds: 1 },
    },
  });
  const found = await discordPyPython();
  if ("python" in found) python = found.python;
  else pythonMissing = found.missing;
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  redis?.disconnect();
  await emulator?.close();
});
beforeEach(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  emulator.reset();
  keyPrefix = `it:${randomBytes(4).toString("hex")}:`;
  const apiBase = `${emulator.url}/api/v10`;
  proxies = await Promise.all([0, 1].map(() => proxyFor({ apiBase, redis, keyPrefix, config: { globalPerSecond, deadlineMs: 30_000 } })));
});

const stats = async () => (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number; invalid: number };

function roleAdds(count: number, offset: number): ClientJob[] {
  return Array.from({ length: count }, (_, i) => {
    const n = offset + i;
    return { method: "PUT", path: Routes.guildMemberRole(guildId, memberIds[n % memberIds.length] ?? "", roleIds[Math.floor(n / memberIds.length) % roleIds.length] ?? "") };
  });
}

/** Two @discordjs/rest and two discord.py processes, one of each on each replica. */
async function fourClients(jobsOf: (index: number) => ClientJob[]): Promise<ClientResult[]> {
  if (python === undefined) throw new Error(pythonMissing);
  const [a, b] = proxies.map((proxy) => proxy.url) as [string, string];
  return Promise.all([runDiscordJs(a, jobsOf(0)), runDiscordJs(b, jobsOf(1)), runDiscordPy(python, a, jobsOf(2)), runDiscordPy(python, b, jobsOf(3))]);
}

describe("real Discord clients through two proxy replicas", () => {
  it("discord.py and @discordjs/rest processes and the dashboard's own client hold one bucket: no 429 at Discord", async (context) => {
    if (python === undefined) context.skip(`discord.py is not available: ${pythonMissing}`);
    const dashboard = createDiscordRest({ redis, botToken, apiBase: `${emulator.url}/api/v10`, keyPrefix, globalPerSecond, subscribe: false });
    const started = Date.now();
    const [results] = await Promise.all([
      fourClients((index) => roleAdds(6, index * 6)),
      Promise.all(roleAdds(4, 24).map((job) => dashboard.put(job.path, { deadlineMs: 30_000 }))),
    ]);
    const elapsedMs = Date.now() - started;
    await dashboard.close();
    for (const result of results) expect(result).toEqual({ statuses: { "204": 6 }, errors: [] });
    const seen = await stats();
    expect(seen.rateLimited).toBe(0);
    expect(seen.invalid).toBe(0);
    // 28 changes at 5 per window need 6 windows: the last opens at least 5 s after the first.
    expect(elapsedMs).toBeGreaterThanOrEqual(5_000 - 100);
  });

  it("discord.py and @discordjs/rest processes hold the global limit together: no 429 at Discord", async (context) => {
    if (python === undefined) context.skip(`discord.py is not available: ${pythonMissing}`);
    const guildRoles = (index: number): ClientJob[] =>
      Array.from({ length: 12 }, (_, i) => ({ method: "GET", path: Routes.guildRoles(String(1_100_000_000_000_000_001n + BigInt(index * 12 + i))) }));
    const started = Date.now();
    const results = await fourClients(guildRoles);
    const elapsedMs = Date.now() - started;
    for (const result of results) {
      expect(result.errors).toEqual([]);
      expect(Object.values(result.statuses).reduce((sum, n) => sum + n, 0)).toBe(12);
      expect(result.statuses["429"]).toBeUndefined();
    }
    const seen = await stats();
    expect(seen.rateLimited).toBe(0);
    // 48 requests (plus two logins) at 10 per second: at least four full windows.
    expect(seen.requests).toBeGreaterThanOrEqual(48);
    expect(elapsedMs).toBeGreaterThanOrEqual(4_000 - 100);
  });
});
