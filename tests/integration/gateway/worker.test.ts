import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import { subscribeMemberChanges, type MemberChange } from "@/lib/gateway/member-changed";
import type { GatewayPolicy } from "@/lib/gateway/policy";
import { readMirrorStatus } from "@/lib/gateway/status";
import { createGatewayWorker, type GatewayWorker } from "@/lib/gateway/worker";
import { createRoleService, type TokenSource } from "@/lib/roles/service";
import { GUILD_ID, ROLE_IDS } from "../../../emulator/fixture";
import type { EmulatorHandle } from "../../../emulator/server";
import { botToken, control, gatewayEmulator } from "../../helpers/gateway-kit";
import { freshRedis } from "../../helpers/harness";

/**
 * The worker against the emulator's Gateway with the real @discordjs/ws:
 * the first sync through op 8, live role changes, a leader killed and its
 * session resumed by the standby, and a resync after a lost session.
 */
const player = "1200000000000000005";
const newcomer = "1200000000000000002";
const freeAgent = "1200000000000000003";
const fixtureMembers = 8;

type GatewayStats = { identifies: number; resumes: number };

let emulator: EmulatorHandle;
/** The emulator's clock runs ahead by this much: a test moves it past the 30 s all-members limit. */
let clockOffsetMs = 0;
let redis: Redis;
let workers: GatewayWorker[] = [];
let connections: Redis[] = [];

beforeAll(async () => {
  emulator = await gatewayEmulator({
    clock: () => Date.now() + clockOffsetMs,
    routeLimits: { "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": { count: 1_000, windowSeconds: 1 } },
  });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  clockOffsetMs = 0;
  emulator.reset();
  redis = await freshRedis();
});
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop("abandon")));
  for (const connection of connections) connection.disconnect();
  workers = [];
  connections = [];
  redis.disconnect();
});

/** Quick leases so takeovers take a fraction of a second, except where a test checks the real numbers. */
const quickPolicy: Partial<GatewayPolicy> = { leaseMs: 600, renewEveryMs: 150, standbyPollMs: 150, connectRetryMs: 200, retryPauseMs: 50 };

function startWorker(workerId: string, policy: Partial<GatewayPolicy> = quickPolicy): GatewayWorker {
  const connection = redis.duplicate();
  connections.push(connection);
  const worker = createGatewayWorker({ redis: connection, guildId: GUILD_ID, botToken, apiBase: `${emulator.url}/api/v10`, workerId, policy });
  workers.push(worker);
  worker.start();
  return worker;
}

const keys = gatewayKeyspace(GUILD_ID);
const cached = (userId: string) => createRoleService({ redis, apiBase: `${emulator.url}/api/v10`, guildId: GUILD_ID, tokens: {} as TokenSource }).cached(userId);

async function live(timeoutMs = 10_000): Promise<void> {
  await expect.poll(async () => (await readMirrorStatus(redis, GUILD_ID)).live, { timeout: timeoutMs, interval: 50 }).toBe(true);
}

async function putRole(userId: string, roleId: string): Promise<void> {
  const response = await fetch(`${emulator.url}/api/v10/guilds/${GUILD_ID}/members/${userId}/roles/${roleId}`, { method: "PUT", headers: { Authorization: `Bot ${botToken}` } });
  expect(response.status).toBe(204);
}

async function gatewayStats(): Promise<GatewayStats> {
  return (await control<{ gateway: GatewayStats }>(emulator, "GET", "stats")).gateway;
}

describe("the Gateway worker against the emulator", () => {
  // How fast is bench/gateway's business (npm run bench:mirror-sync); this shows that it is complete.
  it("mirrors 10,000 members through op 8, then is live", async () => {
    const bulk = await control<{ first_id: string; last_id: string }>(emulator, "POST", "members/bulk", { count: 10_000, roles: [ROLE_IDS.player] });
    startWorker("w1");
    // Functional, not a speed check: a loaded machine may take a while over 10,000 members.
    await live(60_000);
    const status = await readMirrorStatus(redis, GUILD_ID);
    expect(status).toMatchObject({ leaderId: "w1", fence: 1, resyncCount: 1, resyncRunning: false, membersMirrored: fixtureMembers + 10_000 });
    expect(await cached(player)).toMatchObject({ member: true, roles: expect.arrayContaining([ROLE_IDS.player]) });
    expect(await cached(bulk.first_id)).toMatchObject({ member: true, roles: [ROLE_IDS.player] });
    expect(await cached(bulk.last_id)).toMatchObject({ member: true, roles: [ROLE_IDS.player] });
    expect((await redis.hgetall(keys.session)).sessionId).toMatch(/.+/);
  }, 120_000);

  it("reflects a role given through the bot's REST call, and announces it", async () => {
    const heard: MemberChange[] = [];
    const unsubscribe = await subscribeMemberChanges(redis, (change) => heard.push(change));
    try {
      startWorker("w1");
      await live();
      await putRole(newcomer, ROLE_IDS.freeAgent);
      await expect.poll(async () => (await cached(newcomer))?.roles ?? [], { timeout: 10_000, interval: 20 }).toContain(ROLE_IDS.freeAgent);
      await expect.poll(() => heard.some((change) => change.userId === newcomer)).toBe(true);

      await control(emulator, "DELETE", `members/${newcomer}`);
      await expect.poll(async () => (await cached(newcomer))?.member, { timeout: 10_000, interval: 20 }).toBe(false);
    } finally {
      await unsubscribe();
    }
  });

  it("keeps exactly one leader among two workers", async () => {
    const first = startWorker("w1");
    const second = startWorker("w2");
    await live();
    expect([first.isLeader(), second.isLeader()].filter(Boolean)).toHaveLength(1);
    expect((await gatewayStats()).identifies).toBe(1);
  });

  // The time a takeover takes is measured by bench/gateway (failover); here: that it happens and loses nothing.
  it("when the leader dies, the standby takes over and resumes its session: missed events are applied", async () => {
    const first = startWorker("w1", {});
    await live();
    const second = startWorker("w2", {});
    const sessionId = (await redis.hgetall(keys.session)).sessionId;
    expect(first.isLeader() && !second.isLeader()).toBe(true);

    await first.stop("abandon");
    await putRole(player, ROLE_IDS.teamManager);
    await control(emulator, "DELETE", `members/${newcomer}`);

    await expect.poll(() => second.isConnected(), { timeout: 20_000, interval: 50 }).toBe(true);
    await expect.poll(async () => (await cached(player))?.roles ?? [], { timeout: 10_000, interval: 20 }).toContain(ROLE_IDS.teamManager);
    expect(await cached(newcomer)).toMatchObject({ member: false });
    expect((await redis.hgetall(keys.session)).sessionId).toBe(sessionId);
    expect(await gatewayStats()).toMatchObject({ identifies: 1, resumes: 1 });
    await live();
    expect(await readMirrorStatus(redis, GUILD_ID)).toMatchObject({ leaderId: "w2", fence: 2, resyncCount: 1 });
  });

  it("a standby that resumes the session of a leader who died during a resync runs the resync again", async () => {
    const first = startWorker("w1");
    await live();
    const second = startWorker("w2");
    // As if the leader died between its members request and the last chunk.
    await redis.hset(keys.status, "resync", "running");
    clockOffsetMs = 29_000;
    await first.stop("abandon");
    await expect.poll(async () => (await readMirrorStatus(redis, GUILD_ID)).resyncCount, { timeout: 15_000, interval: 50 }).toBe(2);
    await live();
    expect(second.isLeader()).toBe(true);
    expect(await gatewayStats()).toMatchObject({ identifies: 1, resumes: 1 });
  });

  it("a graceful stop hands the session over at once", async () => {
    const first = startWorker("w1");
    await live();
    const second = startWorker("w2");
    await redis.expire(`discord_roles_${GUILD_ID}_${freeAgent}`, 100);
    await first.stop("handover");
    await putRole(player, ROLE_IDS.teamManager);
    await expect.poll(async () => (await cached(player))?.roles ?? [], { timeout: 10_000, interval: 20 }).toContain(ROLE_IDS.teamManager);
    expect(second.isLeader()).toBe(true);
    expect(await gatewayStats()).toMatchObject({ identifies: 1, resumes: 1 });
    // A new leader extends every mirrored entry's lifetime, so none expires while the mirror is live.
    await expect.poll(() => redis.ttl(`discord_roles_${GUILD_ID}_${freeAgent}`)).toBeGreaterThan(1_000);
  });

  it.each([
    ["a dropped connection", "gateway/drop"],
    ["op 7 RECONNECT", "gateway/reconnect"],
  ])("after %s, the leader resumes by itself without a resync", async (_what, action) => {
    const only = startWorker("w1");
    await live();
    await control(emulator, "POST", action, {});
    await putRole(player, ROLE_IDS.teamManager);
    await expect.poll(async () => (await cached(player))?.roles ?? [], { timeout: 10_000, interval: 20 }).toContain(ROLE_IDS.teamManager);
    await expect.poll(() => only.isConnected(), { timeout: 10_000, interval: 20 }).toBe(true);
    expect(await gatewayStats()).toMatchObject({ identifies: 1, resumes: 1 });
    expect((await readMirrorStatus(redis, GUILD_ID)).resyncCount).toBe(1);
  });

  it("after a session that cannot be resumed, resyncs everyone (waiting out the 30 s limit) and forgets who left unseen", async () => {
    startWorker("w1");
    await live();
    const firstSession = (await redis.hgetall(keys.session)).sessionId;
    // A member the mirror still holds but Discord no longer has: only a resync can tell.
    await redis.hset(keys.members, "1299999999999999999", JSON.stringify({ member: true, roles: [], nick: null, joinedAt: null, fetchedAt: 1 }));
    // 28.5 s after the first request: the next all-members request is rate limited for about 1.5 s.
    clockOffsetMs = 28_500;
    await control(emulator, "POST", "gateway/invalidate-session", { resumable: false });

    await expect.poll(async () => (await readMirrorStatus(redis, GUILD_ID)).resyncCount, { timeout: 10_000, interval: 50 }).toBe(2);
    await live(15_000);
    expect((await redis.hgetall(keys.session)).sessionId).not.toBe(firstSession);
    expect(await redis.hexists(keys.members, "1299999999999999999")).toBe(0);
    expect(await cached("1299999999999999999")).toMatchObject({ member: false });
    expect(await readMirrorStatus(redis, GUILD_ID)).toMatchObject({ membersMirrored: fixtureMembers });
  });
});
