import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { RateLimitedError } from "@/lib/discord/rest";
import { tokenDigest } from "@/lib/auth/token-digest";
import { connect, fakeDiscord, guildId, otherGuildId, roleId, restClientsOn, privateRedisForFile, userId } from "../../helpers/discord-rest-kit";

const testRedis = privateRedisForFile();
const { client, prefix } = restClientsOn(testRedis, { defaultDeadlineMs: 10_000, policy: { maxPollMs: 50, requestTimeoutMs: 2_000, leaseGraceMs: 500 } });
const extraConnections: Redis[] = [];

afterEach(() => {
  for (const connection of extraConnections.splice(0)) connection.disconnect();
});

const role = (n: number) => String(BigInt(roleId) + BigInt(n));

describe("buckets", () => {
  it("sends one request at a time until the route's bucket is learned, then up to the remaining count", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 2_000, latencyMs: 40 });
    const rest = client(discord.transport);
    await Promise.all([1, 2, 3, 4, 5].map(() => rest.get(Routes.guildRoles(guildId))));
    const [first, second] = discord.sent;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(35);
    expect(discord.state.maxInFlight).toBe(4);
    expect(discord.state.rateLimited).toBe(0);
  });

  it("holds a bucket's limit with no 429 and close to the fastest time the windows allow", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 300, latencyMs: 2 });
    const rest = client(discord.transport);
    const started = Date.now();
    await Promise.all(Array.from({ length: 23 }, (_, i) => rest.put(Routes.guildMemberRole(guildId, userId, role(i)))));
    const elapsed = Date.now() - started;
    expect(discord.state.rateLimited).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(4 * 300);
    expect(elapsed).toBeLessThan(4 * 300 + 600);
  });

  it("shares one bucket between clients on separate Redis connections (as separate processes would)", async () => {
    const discord = fakeDiscord({ limit: 4, windowMs: 300, latencyMs: 3 });
    const second = connect(testRedis.url());
    extraConnections.push(second);
    const a = client(discord.transport);
    const b = client(discord.transport, { redis: second });
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? a : b).put(Routes.guildMemberRole(guildId, userId, role(i)))),
    );
    expect(discord.state.rateLimited).toBe(0);
    expect(discord.sent).toHaveLength(16);
  });

  it("keeps PUT and DELETE on one member role in call order once the bucket is known", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 5 });
    const rest = client(discord.transport);
    await rest.put(Routes.guildMemberRole(guildId, userId, role(0)));
    await rest.delete(Routes.guildMemberRole(guildId, userId, role(0)));
    const calls = Array.from({ length: 12 }, (_, i) => ({ method: i % 2 === 0 ? "PUT" : "DELETE", path: Routes.guildMemberRole(guildId, userId, role(Math.floor(i / 2))) }));
    await Promise.all(calls.map((call) => (call.method === "PUT" ? rest.put(call.path) : rest.delete(call.path))));
    const sent = discord.sent.slice(2);
    expect(sent).toHaveLength(calls.length);
    for (const path of new Set(calls.map((call) => call.path))) {
      expect(sent.filter((one) => one.path === path).map((one) => one.method)).toEqual(calls.filter((call) => call.path === path).map((call) => call.method));
    }
  });

  it("keeps a give and a take on one member role in call order before any bucket is known", async () => {
    // Gives answer slowly, so a take sent before the give was answered would overtake it on another connection.
    const giveAnswerMs = 60;
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 5, answerDelayMs: (sent) => (sent.method === "PUT" ? giveAnswerMs : 0) });
    const rest = client(discord.transport);
    const calls = Array.from({ length: 16 }, (_, i) => ({ method: i % 2 === 0 ? "PUT" : "DELETE", path: Routes.guildMemberRole(guildId, userId, role(Math.floor(i / 4))) }));
    await Promise.all(calls.map((call) => (call.method === "PUT" ? rest.put(call.path) : rest.delete(call.path))));
    for (const path of new Set(calls.map((call) => call.path))) {
      const given = calls.filter((call) => call.path === path).map((call) => call.method);
      const sent = discord.sent.filter((one) => one.path === path);
      expect(sent.map((one) => one.method)).toEqual(given);
      // Each write left only once the one before it on this member role was answered.
      for (let i = 1; i < sent.length; i += 1) if (sent[i - 1]!.method === "PUT") expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(giveAnswerMs);
    }
  });

  it("leaves writes to other resources free to overlap while one resource's writes wait their turn", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000, latencyMs: 20 });
    const rest = client(discord.transport);
    await rest.put(Routes.guildMemberRole(guildId, userId, role(0)));
    await Promise.all(Array.from({ length: 6 }, (_, i) => rest.put(Routes.guildMemberRole(guildId, userId, role(i)))));
    expect(discord.state.maxInFlight).toBeGreaterThan(1);
  });

  it("fails fast with RateLimitedError when the wait outlasts the deadline", async () => {
    const discord = fakeDiscord({ limit: 2, windowMs: 5_000 });
    const rest = client(discord.transport);
    await rest.get(Routes.guildRoles(guildId));
    await rest.get(Routes.guildRoles(guildId));
    const started = Date.now();
    const error = await rest.get(Routes.guildRoles(guildId), { deadlineMs: 300 }).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(150);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).scope).toBe("bucket");
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(4_000);
    expect(discord.sent).toHaveLength(2);
  });

  it("fails queued calls fast too, not only the head of the queue", async () => {
    const discord = fakeDiscord({ limit: 1, windowMs: 5_000 });
    const rest = client(discord.transport);
    await rest.get(Routes.guildRoles(guildId));
    const started = Date.now();
    const results = await Promise.allSettled([1, 2, 3].map(() => rest.get(Routes.guildRoles(guildId), { deadlineMs: 300 })));
    expect(Date.now() - started).toBeLessThan(200);
    for (const result of results) expect(result.status === "rejected" && result.reason instanceof RateLimitedError).toBe(true);
  });

  it("a late answer never raises the remaining count of its window", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 2_000 });
    const rest = client(discord.transport);
    await rest.get(Routes.guildRoles(guildId));
    const bucketKey = `${prefix()}bot:${tokenDigest("bot-token")}:bucket:hash-GET_guilds__id_roles:${guildId}`;
    expect(await testRedis.redis().hget(bucketKey, "remaining")).toBe("4");
    // Three answers arrive in reverse order: remaining 1, then 3 and 2 from older requests.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const answers = [1, 3, 2];
    for (const remaining of answers) {
      discord.override(async () => {
        await gate;
        return new Response(JSON.stringify([]), {
          status: 200,
          headers: { "content-type": "application/json", "x-ratelimit-limit": "5", "x-ratelimit-remaining": String(remaining), "x-ratelimit-reset-after": "1.9", "x-ratelimit-bucket": "hash-GET_guilds__id_roles" },
        });
      });
    }
    const pending = Promise.all(answers.map(() => rest.get(Routes.guildRoles(guildId))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await testRedis.redis().hget(bucketKey, "remaining")).toBe("1");
    release();
    await pending;
    expect(await testRedis.redis().hget(bucketKey, "remaining")).toBe("1");
  });

  it("gives a slot back when the request provably never left", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 5_000 });
    const rest = client(discord.transport, { policy: { maxServerRetries: 0, maxPollMs: 50 } });
    await rest.get(Routes.guildRoles(guildId));
    const bucketKey = `${prefix()}bot:${tokenDigest("bot-token")}:bucket:hash-GET_guilds__id_roles:${guildId}`;
    discord.override(() => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    });
    await expect(rest.get(Routes.guildRoles(guildId))).rejects.toMatchObject({ name: "DiscordTransportError", provablyNotSent: true });
    expect(await testRedis.redis().hget(bucketKey, "remaining")).toBe("4");
  });
});

describe("routes sharing a bucket", () => {
  it("counts requests sent while their route was unmapped against the bucket they turn out to share", async () => {
    // The first DELETE's answer is slow: its PUT twin maps the bucket and must leave a slot for it.
    const discord = fakeDiscord({ limit: 3, windowMs: 600, latencyMs: 5, answerDelayMs: (sent, index) => (index < 2 && sent.method === "DELETE" ? 150 : 0) });
    const rest = client(discord.transport);
    const calls = Array.from({ length: 6 }, (_, i) => Routes.guildMemberRole(guildId, userId, role(i)));
    await Promise.all(calls.map((path, i) => (i % 2 === 0 ? rest.put(path) : rest.delete(path))));
    expect(discord.state.rateLimited).toBe(0);
  });
});

describe("inspect", () => {
  it("lists buckets near their limit for the health panel", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 5_000 });
    const rest = client(discord.transport);
    for (let i = 0; i < 4; i += 1) await rest.get(Routes.guildRoles(guildId));
    await rest.get(Routes.guildRoles(otherGuildId));
    const state = await rest.inspect();
    expect(state.source).toBe("redis");
    expect(state.bucketsNearLimit).toEqual([
      expect.objectContaining({ bucket: `hash-GET_guilds__id_roles:${guildId}`, limit: 5, remaining: 1, inFlight: 0 }),
    ]);
    expect(state.global).toMatchObject({ limit: 50, usedInWindow: 5, blockedMs: 0 });
    expect(state.cloudflareBan.open).toBe(false);
  });
});
