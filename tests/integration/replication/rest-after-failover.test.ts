import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { createTokenStore } from "@/lib/auth/token-store";
import { createDiscordRest } from "@/lib/discord/rest/create-discord-rest";
import { DiscordAPIError } from "@/lib/discord/rest/errors";
import type { WatchPrimary } from "@/lib/discord/rest/types";
import type { PrimaryChange } from "@/lib/redis/primary-watch";
import { createRoleService, roleKeys } from "@/lib/roles/service";
import { fakeDiscord, guildId, json, privateRedisForFile, restClientsOn, roleId, userId } from "../../helpers/discord-rest-kit";
import { emulator, personas, signIn, testSecret } from "../../helpers/harness";

/**
 * After the Redis primary changes, what the REST client keeps in Redis may
 * be older than what Discord knows. These tests stand in for the failover
 * itself (the watch is simulated; rest-real-failover.test.ts runs a real
 * one): they roll the shared state back by hand, as a promoted replica
 * that missed the last writes would hold it, announce the change, and count
 * what reaches Discord.
 */

const testRedis = privateRedisForFile();
const withoutGlobalHold = { maxPollMs: 25, requestTimeoutMs: 2_000, leaseGraceMs: 500, primaryChangeGlobalHoldMs: 0 };
const { client, prefix } = restClientsOn(testRedis, { defaultDeadlineMs: 10_000, policy: withoutGlobalHold });
const closing: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** A watch the test fires by hand. */
function simulatedPrimaryWatch() {
  const listeners = new Set<(change: PrimaryChange) => void>();
  const watch: WatchPrimary = (_redis, listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return {
    watch,
    change() {
      for (const listener of listeners) listener({ previousRunId: "old-primary", runId: "promoted-replica", at: Date.now() });
    },
  };
}

const role = (n: number) => String(BigInt(roleId) + BigInt(n));
const memberRole = (n: number) => Routes.guildMemberRole(guildId, userId, role(n));

async function bucketKeys(redis: Redis): Promise<string[]> {
  return (await redis.keys(`${prefix()}*:bucket:*`)).filter((key) => !key.endsWith(":leases"));
}

describe("the REST client after a change of Redis primary", () => {
  it("holds a bucket spent before the switch until its stored reset, though the promoted copy says it has room", async () => {
    const discord = fakeDiscord({ limit: 3, windowMs: 1_500, latencyMs: 2 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch });
    for (let n = 0; n < 3; n += 1) await rest.put(memberRole(n));
    const windowEndsAt = (discord.sent[0]?.at ?? 0) + 1_500;
    const [bucket] = await bucketKeys(testRedis.redis());
    if (bucket === undefined) throw new Error("no bucket was learned");
    expect(await testRedis.redis().hget(bucket, "remaining")).toBe("0");

    // The replica missed the three requests: its copy still has the whole window.
    await testRedis.redis().hset(bucket, "remaining", "3");
    // A request waits for the correction the change started; none is granted on the rolled-back copy.
    primary.change();
    await rest.put(memberRole(3));

    expect(discord.state.rateLimited).toBe(0);
    expect(discord.sent).toHaveLength(4);
    expect(discord.sent[3]!.at).toBeGreaterThanOrEqual(windowEndsAt - 50);
  });

  it("sends one request at a time on a bucket whose stored reset has passed, until Discord's headers tell again", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 300, latencyMs: 40 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch });
    await rest.put(memberRole(0));
    // The stored window is over; the old primary may have opened the next one, which the replica never saw.
    await new Promise((resolve) => setTimeout(resolve, 350));
    primary.change();
    await Promise.all([1, 2, 3, 4].map((n) => rest.put(memberRole(n))));

    const [, first, second] = discord.sent;
    // Without the change the client would open a fresh window of 5 and send all four at once.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(35);
    expect(discord.state.rateLimited).toBe(0);
    expect(discord.state.maxInFlight).toBeLessThan(4);
  });

  it("puts back the invalid requests this process counted, so the switch never lowers the count toward Discord's ban", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 1 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch });
    for (let n = 0; n < 3; n += 1) {
      discord.override(() => json(403, { message: "Missing Permissions", code: 50_013 }));
      await expect(rest.put(memberRole(n))).rejects.toBeInstanceOf(DiscordAPIError);
    }
    expect((await rest.inspect()).invalidRequests.count).toBe(3);

    // The promoted copy lost these three and holds one older entry of another process.
    const invalidLog = `${prefix()}egress:default:invalid`;
    await testRedis.redis().del(invalidLog);
    await testRedis.redis().zadd(invalidLog, Date.now() - 60_000, "other-process-lease");
    expect((await rest.inspect()).invalidRequests.count).toBe(1);

    primary.change();
    await rest.get(Routes.guildRoles(guildId));
    expect((await rest.inspect()).invalidRequests.count).toBe(4);
    // A second change adds nothing twice: the entries keep their names.
    primary.change();
    await rest.get(Routes.guildRoles(guildId));
    expect((await rest.inspect()).invalidRequests.count).toBe(4);
  });

  it("holds the bot's global window for one window after the switch", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 1 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch, policy: { ...withoutGlobalHold, primaryChangeGlobalHoldMs: 600 } });
    await rest.get(Routes.guildRoles(guildId));
    const changedAt = Date.now();
    primary.change();
    await rest.get(Routes.guildRoles(guildId));
    expect(discord.sent[1]!.at - changedAt).toBeGreaterThanOrEqual(550);
  });

  it("tells its listeners, and stops watching when closed", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch });
    const heard: string[] = [];
    rest.on("primaryChange", (change) => heard.push(change.runId));
    primary.change();
    await rest.close();
    primary.change();
    expect(heard).toEqual(["promoted-replica"]);
  });
});

describe("role-lookup pacing after a change of Redis primary", () => {
  it("sets this process's unexpired pacing locks again, never shortening a longer one", async () => {
    const redis = testRedis.redis();
    const emu = await emulator();
    closing.push(() => emu.close());
    const primary = simulatedPrimaryWatch();
    const rest = createDiscordRest({ redis, apiBase: emu.apiBase, botToken: "emulator-bot-token", subscribe: false, keyPrefix: prefix(), watchPrimary: primary.watch });
    closing.push(() => rest.close());
    const tokens = createTokenStore({ redis, secret: testSecret, oauth: { apiBase: emu.apiBase, clientId: "1400000000000000001", clientSecret: "emulator-client-secret" } });
    const roles = createRoleService({ redis, rest, apiBase: emu.apiBase, guildId: guildId, tokens, mirrorPrefix: prefix() });
    const player = await signIn(emu, { tokens }, personas.player);
    const manager = await signIn(emu, { tokens }, personas.manager);
    const paced = roleKeys.retryAfter(guildId, personas.player);
    const longer = roleKeys.retryAfter(guildId, personas.manager);

    expect((await roles.lookup(personas.player, player.sessionId)).kind).toBe("roles");
    expect((await roles.lookup(personas.manager, manager.sessionId)).kind).toBe("roles");
    const pacedMs = await redis.pttl(paced);
    expect(pacedMs).toBeGreaterThan(5_000);

    // The promoted replica lost the player's lock; someone set a longer one on the manager since.
    await redis.del(paced);
    await redis.set(longer, "rate-limited", "PX", 600_000);
    primary.change();
    const until = Date.now() + 2_000;
    while ((await redis.pttl(paced)) <= 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));

    const restoredMs = await redis.pttl(paced);
    expect(restoredMs).toBeGreaterThan(pacedMs - 2_000);
    expect(restoredMs).toBeLessThanOrEqual(pacedMs);
    expect(await redis.get(paced)).toBe("paced");
    expect(await redis.pttl(longer)).toBeGreaterThan(590_000);
    expect(await redis.get(longer)).toBe("rate-limited");
  });
});
