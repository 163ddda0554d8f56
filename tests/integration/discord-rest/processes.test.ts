import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { startRestWorkers, type RestWorker } from "@/bench/rest/pool";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import { CloudflareBanError, createDiscordRest } from "@/lib/discord/rest";

const redisUrl = inject("redisUrl");
const botToken = "emulator-bot-token";
const guildId = "1100000000000000001";
const memberIds = ["1200000000000000002", "1200000000000000003", "1200000000000000004", "1200000000000000005"];
const roleIds = ["1100000000000000101", "1100000000000000102", "1100000000000000103"];
/** Small limits keep the run short: 5 role changes per 1 s per guild, 10 requests per second per token. */
const roleLimit = { count: 5, windowSeconds: 1 };
const globalPerSecond = 10;

let emulator: EmulatorHandle;
let workers: RestWorker[];
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
  workers = await startRestWorkers(4);
});
afterAll(async () => {
  await Promise.all((workers ?? []).map((worker) => worker.close()));
  await emulator?.close();
});
beforeEach(() => {
  emulator.reset();
  keyPrefix = `it:${randomBytes(4).toString("hex")}:`;
});

const apiBase = () => `${emulator.url}/api/v10`;
const stats = async () => (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number; invalid: number };
type Job = { method: "GET" | "PUT" | "DELETE"; path: string };

function roleChanges(total: number): Job[] {
  return Array.from({ length: total }, (_, i) => {
    const pair = Math.floor(i / 2);
    const path = Routes.guildMemberRole(guildId, memberIds[pair % memberIds.length] ?? "", roleIds[pair % roleIds.length] ?? "");
    return { method: i % 2 === 0 ? "PUT" : "DELETE", path };
  });
}

async function runAcross(count: number, jobs: Job[]) {
  const size = Math.ceil(jobs.length / count);
  const started = Date.now();
  const results = await Promise.all(
    workers.slice(0, count).map((worker, index) =>
      worker.run({ client: "ours", apiBase: apiBase(), botToken, redisUrl, keyPrefix, jobs: jobs.slice(index * size, (index + 1) * size), deadlineMs: 60_000, globalPerSecond }),
    ),
  );
  return { results, elapsedMs: Date.now() - started };
}

describe("REST client across processes", () => {
  it("four processes hammering one bucket get no 429", async () => {
    const { results, elapsedMs } = await runAcross(4, roleChanges(30));
    expect(results.map((result) => result.failed)).toEqual([0, 0, 0, 0]);
    const seen = await stats();
    expect(seen).toMatchObject({ requests: 30, rateLimited: 0, invalid: 0 });
    // 30 changes at 5 per window need 6 windows: the last one opens 5 s after the first.
    expect(elapsedMs).toBeGreaterThanOrEqual(5_000 - 100);
    expect(elapsedMs).toBeLessThan(5_000 * 1.2 + 1_000);
  });

  it("four processes hold the global limit together", async () => {
    const jobs: Job[] = Array.from({ length: 40 }, (_, i) => ({ method: "GET", path: Routes.guildRoles(String(1_100_000_000_000_000_001n + BigInt(i % 20))) }));
    const { results, elapsedMs } = await runAcross(4, jobs);
    expect(results.map((result) => result.failed)).toEqual([0, 0, 0, 0]);
    expect(await stats()).toMatchObject({ requests: 40, rateLimited: 0, invalid: 0 });
    expect(elapsedMs).toBeGreaterThanOrEqual(3_000 - 100);
  });

  it("a process killed mid-request gives its slot back once the lease expires", async () => {
    await fetch(`${emulator.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "delay", route: "GET /guilds/:guild_id/members/:user_id", count: 1, delayMs: 20_000 }),
    });
    const [victim] = await startRestWorkers(1);
    if (!victim) throw new Error("no worker");
    // Lease TTL = request timeout 1 s + grace 0.5 s.
    const policy = { requestTimeoutMs: 1_000, leaseGraceMs: 500 };
    let killedAt = 0;
    const sending = new Promise<void>((resolve) => {
      victim
        .run({ client: "ours", apiBase: apiBase(), botToken, redisUrl, keyPrefix, jobs: [{ method: "GET", path: Routes.guildMember(guildId, memberIds[0] ?? "") }], deadlineMs: 30_000, policy, reportSending: true }, resolve)
        .catch(() => undefined);
    });
    await sending;
    await new Promise((resolve) => setTimeout(resolve, 100));
    victim.kill("SIGKILL");
    killedAt = Date.now();
    await victim.close();

    const redis = new Redis(redisUrl);
    const rest = createDiscordRest({ redis, botToken, apiBase: apiBase(), keyPrefix, policy });
    try {
      const member = await rest.get<{ user: { id: string } }>(Routes.guildMember(guildId, memberIds[0] ?? ""), { deadlineMs: 5_000 });
      const waitedMs = Date.now() - killedAt;
      expect(member.user.id).toBe(memberIds[0]);
      // The route was still being learned (one request at a time): the dead lease held it until its TTL.
      expect(waitedMs).toBeGreaterThanOrEqual(1_500 - 100 - 200);
      expect(waitedMs).toBeLessThan(3_000);
    } finally {
      await rest.close();
      redis.disconnect();
    }
  });

  it("a Cloudflare ban seen by one client stops the others before they send", async () => {
    await fetch(`${emulator.url}/__emulator/faults`, { method: "POST", body: JSON.stringify({ kind: "ban", count: 1 }) });
    const connections = [new Redis(redisUrl), new Redis(redisUrl)];
    const [a, b] = connections.map((redis) => createDiscordRest({ redis, botToken, apiBase: apiBase(), keyPrefix }));
    try {
      await expect(a!.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(CloudflareBanError);
      const before = (await stats()).requests;
      const error = await b!.put(Routes.guildMemberRole(guildId, memberIds[0] ?? "", roleIds[0] ?? "")).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CloudflareBanError);
      expect((error as CloudflareBanError).retryAfterMs).toBeGreaterThan(60_000);
      expect((await stats()).requests).toBe(before);
    } finally {
      await Promise.all([a?.close(), b?.close()]);
      for (const redis of connections) redis.disconnect();
    }
  });
});
