import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { createTokenStore } from "@/lib/auth/token-store";
import { createDiscordRest } from "@/lib/discord/rest/create-discord-rest";
import type { DistrustSummary } from "@/lib/discord/rest/distrust-after-failover";
import { BotTokenInvalidError, CloudflareBanError, DiscordAPIError, RateLimitedError } from "@/lib/discord/rest/errors";
import type { WatchPrimary } from "@/lib/discord/rest/types";
import type { PrimaryChange } from "@/lib/redis/primary-watch";
import { createRoleService, roleKeys } from "@/lib/roles/service";
import { fakeDiscord, guildId, json, limitHeaders, otherGuildId, privateRedisForFile, restClientsOn, roleId, userId } from "../../helpers/discord-rest-kit";
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

const cloudflareBan = (seconds: number) => () => new Response("error code: 1015", { status: 429, headers: { "content-type": "text/plain", "retry-after": String(seconds) } });
/** A 429 while the bucket has room left: a hidden sub-limit of the route. */
const subLimited = (seconds: number) => () =>
  json(429, { message: "You are being rate limited.", retry_after: seconds, global: false }, {
    ...limitHeaders({ limit: 5, remaining: 3, resetAfterMs: 900, bucket: "sub-bucket" }),
    "x-ratelimit-scope": "user",
  });

async function until(condition: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A logger that keeps the summaries of the corrections a primary change started. */
function distrustSummaries() {
  const seen: DistrustSummary[] = [];
  const logger = pino({ level: "warn" }, {
    write(line: string) {
      const entry = JSON.parse(line) as Partial<DistrustSummary>;
      if (typeof entry.restoredHolds === "number") seen.push(entry as DistrustSummary);
    },
  });
  return { logger, seen };
}

describe("the holds a process set, after a change of Redis primary", () => {
  const banKey = () => `${prefix()}egress:default:cloudflare-ban`;
  const subBlockKeys = () => testRedis.redis().keys(`${prefix()}*:sublimit:*`);
  const tokenInvalidKeys = () => testRedis.redis().keys(`${prefix()}*:token-invalid`);

  it("sets the egress IP's Cloudflare ban again, and sends nothing while it lasts", async () => {
    const redis = testRedis.redis();
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 1 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch });
    discord.override(cloudflareBan(30));
    await expect(rest.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(CloudflareBanError);
    const bannedMs = await redis.pttl(banKey());
    expect(bannedMs).toBeGreaterThan(29_000);

    // The promoted replica never heard of the ban.
    await redis.del(banKey());
    primary.change();
    const error = await rest.get(Routes.guildRoles(guildId)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CloudflareBanError);
    expect(discord.sent).toHaveLength(1);
    const restoredMs = await redis.pttl(banKey());
    expect(restoredMs).toBeLessThanOrEqual(bannedMs);
    expect(restoredMs).toBeGreaterThan(bannedMs - 2_000);
  });

  it("sets again a ban met by a lookup with a user's token, which the bot's requests obey too", async () => {
    const redis = testRedis.redis();
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 1 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch });
    discord.override(cloudflareBan(30));
    const answer = await rest.attempt("GET", `/users/@me/guilds/${guildId}/member`, { auth: { bearer: "user-token" }, timeoutMs: 1_000 });
    expect(answer.outcome.rateLimit?.kind).toBe("cloudflare");
    const bannedMs = await redis.pttl(banKey());

    await redis.del(banKey());
    primary.change();
    await expect(rest.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(CloudflareBanError);

    expect(discord.sent).toHaveLength(1);
    const restoredMs = await redis.pttl(banKey());
    expect(restoredMs).toBeLessThanOrEqual(bannedMs);
    expect(restoredMs).toBeGreaterThan(bannedMs - 2_000);
  });

  it("sets a route's sub-limit block again, so the route waits it out without sending", async () => {
    const redis = testRedis.redis();
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 1 });
    const primary = simulatedPrimaryWatch();
    const rest = client(discord.transport, { watchPrimary: primary.watch });
    discord.override(subLimited(20));
    await expect(rest.get(Routes.guildRoles(guildId), { deadlineMs: 1_000 })).rejects.toBeInstanceOf(RateLimitedError);
    const [subBlock] = await subBlockKeys();
    if (subBlock === undefined) throw new Error("no sub-limit block was set");
    const blockedMs = await redis.pttl(subBlock);
    expect(blockedMs).toBeGreaterThan(19_000);

    // The promoted copy lost the block but kept the bucket, which says the route has room.
    await redis.del(subBlock);
    primary.change();
    const error = await rest.get(Routes.guildRoles(guildId), { deadlineMs: 1_000 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).scope).toBe("sublimit");
    expect(discord.sent).toHaveLength(1);
    const restoredMs = await redis.pttl(subBlock);
    expect(restoredMs).toBeLessThanOrEqual(blockedMs);
    expect(restoredMs).toBeGreaterThan(blockedMs - 2_000);
    // The block is the route's own: another guild's roles are still served.
    await rest.get(Routes.guildRoles(otherGuildId));
    expect(discord.sent).toHaveLength(2);
  });

  it("sets the rejected bot token again, so no process sends with it", async () => {
    const redis = testRedis.redis();
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 1 });
    const primary = simulatedPrimaryWatch();
    const rejected = client(discord.transport, { watchPrimary: primary.watch });
    const other = client(discord.transport, { watchPrimary: primary.watch });
    discord.override(() => json(401, { message: "401: Unauthorized", code: 0 }));
    await expect(rejected.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(BotTokenInvalidError);
    const [tokenInvalid] = await tokenInvalidKeys();
    if (tokenInvalid === undefined) throw new Error("the token was not marked rejected");
    const heldMs = await redis.pttl(tokenInvalid);

    // The promoted copy lost the flag; only the process that got the 401 knows.
    await redis.del(tokenInvalid);
    primary.change();
    await until(async () => (await redis.pttl(tokenInvalid)) > 0);

    await expect(other.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(BotTokenInvalidError);
    expect(discord.sent).toHaveLength(1);
    const restoredMs = await redis.pttl(tokenInvalid);
    expect(restoredMs).toBeLessThanOrEqual(heldMs);
    expect(restoredMs).toBeGreaterThan(heldMs - 2_000);
  });

  it("never shortens a longer hold, lengthens a shorter copy, and leaves a hold that has ended gone", async () => {
    const redis = testRedis.redis();
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 1 });
    const primary = simulatedPrimaryWatch();
    const log = distrustSummaries();
    const rest = client(discord.transport, { watchPrimary: primary.watch, logger: log.logger });
    // A short sub-limit the request waits out and then retries past: remembered, but over.
    discord.override(subLimited(0.2));
    await rest.get(Routes.guildRoles(guildId));
    discord.override(subLimited(20));
    await expect(rest.get(Routes.guildRoles(otherGuildId), { deadlineMs: 1_000 })).rejects.toBeInstanceOf(RateLimitedError);
    const [lasting] = await subBlockKeys();
    if (lasting === undefined) throw new Error("no sub-limit block was set");
    const blockedMs = await redis.pttl(lasting);
    discord.override(cloudflareBan(30));
    await expect(rest.get(Routes.guild(guildId))).rejects.toBeInstanceOf(CloudflareBanError);

    // Another process met a longer ban since; the promoted copy holds the block with less time left.
    await redis.set(banKey(), "1", "PX", 600_000);
    await redis.set(lasting, "1", "PX", 300);
    primary.change();
    await until(async () => log.seen.length > 0);

    expect(log.seen.map((summary) => summary.restoredHolds)).toEqual([1]);
    expect(await redis.pttl(banKey())).toBeGreaterThan(590_000);
    const restoredMs = await redis.pttl(lasting);
    expect(restoredMs).toBeLessThanOrEqual(blockedMs);
    expect(restoredMs).toBeGreaterThan(blockedMs - 2_000);
    expect(await subBlockKeys()).toEqual([lasting]);
  });
});
