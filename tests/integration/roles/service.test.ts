import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import type { Redis } from "ioredis";
import { Redis as RedisClient } from "ioredis";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { SessionExpiredError } from "@/lib/auth/errors";
import { rolePolicy } from "@/lib/roles/policy";
import { roleKeys } from "@/lib/roles/service";
import { appServices, emulator, emulatorAndRedisPerTest, guildId, memberRoute, personas, roleIds, signIn, type TestEmulator } from "../../helpers/harness";

const run = promisify(execFile);

describe("role service against Redis and the emulator", () => {
  let redis: Redis;
  let emu: TestEmulator;
  const stack = emulatorAndRedisPerTest();
  beforeEach(() => ({ redis, emu } = stack));

  it("reads the roles, caches them under the SAFA key, and paces the next call from the headers", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.freeagent);

    const first = await services.roles.lookup(personas.freeagent, session.sessionId);
    expect(first.kind).toBe("roles");
    if (first.kind !== "roles") return;
    expect(first.how).toBe("fresh");
    expect(first.stale).toBe(false);
    expect(first.snapshot.roles).toEqual(expect.arrayContaining([roleIds.updatedProfile, roleIds.freeAgent]));

    const cached = JSON.parse((await redis.get(`discord_roles_${guildId}_${personas.freeagent}`)) ?? "null");
    expect(cached.roles).toEqual(first.snapshot.roles);
    expect(await redis.ttl(`discord_roles_${guildId}_${personas.freeagent}`)).toBeGreaterThan(rolePolicy.cacheTtlSeconds - 5);

    // 5 per 60 s: after the first call, 4 remain over 60 s (+1 s margin), so the lock lives about 12.2 s.
    // The SAFA template, named for the bucket's owner (the user), not the token.
    const lockKey = `discord_roles_${guildId}_${createHash("sha256").update(`user:${personas.freeagent}`).digest("hex")}_retry-after`;
    expect(lockKey).toBe(roleKeys.retryAfter(guildId, personas.freeagent));
    const pttl = await redis.pttl(lockKey);
    expect(pttl).toBeGreaterThan(10_000);
    expect(pttl).toBeLessThanOrEqual(12_200);

    const second = await services.roles.lookup(personas.freeagent, session.sessionId);
    expect(second.kind === "roles" && second.how).toBe("paced");
    expect((await emu.stats()).routes[memberRoute]?.requests).toBe(1);
  });

  it("never puts the raw access token in a Redis key or value", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player);
    await services.roles.lookup(personas.player, session.sessionId);
    const keys = await redis.keys("*");
    expect(keys.length).toBeGreaterThan(1);
    for (const key of keys) {
      expect(key).not.toContain(session.access_token);
      const type = await redis.type(key);
      if (type === "string") {
        const value = (await redis.get(key)) ?? "";
        expect(value).not.toContain(session.access_token);
        expect(value).not.toContain(session.refresh_token);
      }
    }
  });

  it("answers from the cache while the SAFA lock key lives, without calling Discord", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.freeagent);
    await services.roles.lookup(personas.freeagent, session.sessionId);
    await emu.botRole("PUT", personas.freeagent, roleIds.player);

    const answer = await services.roles.lookup(personas.freeagent, session.sessionId);
    expect(answer.kind).toBe("roles");
    if (answer.kind !== "roles") return;
    expect(answer.stale).toBe(true);
    expect(answer.snapshot.roles).not.toContain(roleIds.player);
    expect(answer.nextRefreshAt).toBeGreaterThan(Date.now() + 5_000);
    expect((await emu.stats()).routes[memberRoute]?.requests).toBe(1);

    // Once the lock is gone the change shows up.
    await redis.del(roleKeys.retryAfter(guildId, personas.freeagent));
    const later = await services.roles.lookup(personas.freeagent, session.sessionId);
    expect(later.kind === "roles" && later.snapshot.roles).toContain(roleIds.player);
  });

  it("sets the lock before any 429 and serves a continuous refocus at an even pace", async () => {
    const fast = await emulator({ routeLimits: { [memberRoute]: { count: 2, windowSeconds: 2 } } });
    try {
      const services = appServices(redis, fast);
      const session = await signIn(fast, services, personas.manager);
      const deadline = Date.now() + 6_500;
      let maxAgeMs = 0;
      let fresh = 0;
      while (Date.now() < deadline) {
        const answer = await services.roles.lookup(personas.manager, session.sessionId);
        expect(answer.kind).toBe("roles");
        if (answer.kind === "roles") {
          maxAgeMs = Math.max(maxAgeMs, Date.now() - answer.snapshot.fetchedAt);
          if (answer.how === "fresh") fresh += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const stats = await fast.stats();
      expect(stats.rateLimited).toBe(0);
      // 2 per 2 s over 6.5 s allows at most 8 calls; an even pace gets close to that, a burst-then-wait scheme would not age this little.
      expect(fresh).toBeGreaterThanOrEqual(4);
      // Evenly paced: (window + margin) / limit apart, plus a little scheduling slack.
      expect(maxAgeMs).toBeLessThanOrEqual((2_000 + rolePolicy.exhaustedMarginMs) / 2 + 300);
    } finally {
      await fast.close();
    }
  });

  it("collapses concurrent lookups from two processes into one Discord call", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player);
    const startAt = Date.now() + 2_500;
    const worker = (count: number) =>
      run("npx", ["tsx", "tests/helpers/lookup-worker.ts", inject("redisUrl"), emu.apiBase, personas.player, session.sessionId, String(count), String(startAt)], {
        timeout: 30_000,
      });
    const [a, b] = await Promise.all([worker(5), worker(5)]);
    const answers = [...JSON.parse(a.stdout), ...JSON.parse(b.stdout)] as { how: string; roles: string[] }[];
    expect(answers).toHaveLength(10);
    expect(answers.filter((answer) => answer.how === "fresh")).toHaveLength(1);
    expect(answers.every((answer) => answer.how === "fresh" || answer.how === "collapsed" || answer.how === "paced")).toBe(true);
    expect(answers.every((answer) => answer.roles.includes(roleIds.player))).toBe(true);
    expect((await emu.stats()).routes[memberRoute]?.requests).toBe(1);
  });

  it("answers 'not a member' for a 404 10004, caches it briefly, and keeps the long cache out of it", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.outsider);
    const answer = await services.roles.lookup(personas.outsider, session.sessionId);
    expect(answer.kind === "roles" && answer.snapshot.member).toBe(false);
    const ttl = await redis.ttl(roleKeys.cache(guildId, personas.outsider));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(rolePolicy.notMemberTtlSeconds);
  });

  it("refreshes once after a 401 and retries with the new token", async () => {
    const services = appServices(redis, emu);
    // The emulator's token expires in 1 s but the store believes it has days left: Discord will answer 401.
    const session = await signIn(emu, services, personas.player, { expiresIn: 1, claimedExpiresAt: Date.now() + 5 * 24 * 3_600_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const answer = await services.roles.lookup(personas.player, session.sessionId);
    expect(answer.kind === "roles" && answer.how).toBe("fresh");
    const stored = await services.tokens.read(session.sessionId);
    expect(stored?.accessToken).not.toBe(session.access_token);
    expect(stored?.refreshToken).not.toBe(session.refresh_token);
    const stats = await emu.stats();
    expect(stats.routes["POST /oauth2/token"]?.requests).toBe(1);
    expect(stats.routes[memberRoute]?.requests).toBe(2);
  });

  it("refreshes an expiring token once when ten requests race for it on two connections", async () => {
    const other = await freshRedisNoFlush();
    try {
      const first = appServices(redis, emu);
      const second = appServices(other, emu);
      const session = await signIn(emu, first, personas.freeagent, { claimedExpiresAt: Date.now() + 60_000 });
      const tokens = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? first : second).tokens.accessToken(session.sessionId)));
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(session.access_token);
      expect((await emu.stats()).routes["POST /oauth2/token"]?.requests).toBe(1);
    } finally {
      other.disconnect();
    }
  });

  it("refreshes an expiring token once when ten requests race for it from two processes", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player, { claimedExpiresAt: Date.now() + 60_000 });
    const startAt = Date.now() + 2_500;
    const worker = () =>
      run("npx", ["tsx", "tests/helpers/refresh-worker.ts", inject("redisUrl"), emu.apiBase, session.sessionId, "5", String(startAt)], { timeout: 30_000 });
    const [a, b] = await Promise.all([worker(), worker()]);
    const tokens = [...JSON.parse(a.stdout), ...JSON.parse(b.stdout)] as string[];
    expect(tokens).toHaveLength(10);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(session.access_token);
    expect((await emu.stats()).routes["POST /oauth2/token"]?.requests).toBe(1);
  });

  it("signs the user out when Discord refuses the refresh token", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.freeagent, { claimedExpiresAt: Date.now() + 1_000 });
    // Someone else already used this refresh token: Discord answers invalid_grant.
    await fetch(`${emu.apiBase}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${Buffer.from("1400000000000000001:emulator-client-secret").toString("base64")}` },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: session.refresh_token }).toString(),
    });
    await expect(services.roles.lookup(personas.freeagent, session.sessionId)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(await services.tokens.read(session.sessionId)).toBeNull();
  });

  it("serves the cache when Discord answers 5xx, and never turns it into 'not a member'", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player);
    await services.roles.lookup(personas.player, session.sessionId);
    await redis.del(roleKeys.retryAfter(guildId, personas.player));
    await emu.control("faults", { body: { route: memberRoute, kind: "status", status: 502, count: 1 } });

    const answer = await services.roles.lookup(personas.player, session.sessionId);
    expect(answer.kind).toBe("roles");
    if (answer.kind !== "roles") return;
    expect(answer.snapshot.member).toBe(true);
    expect(answer.snapshot.roles).toContain(roleIds.player);
    expect(answer.stale).toBe(true);
    expect(answer.discordBusy).toBe(true);
    // The outage is not hammered: the next lookup waits for the back-off.
    expect(await redis.pttl(roleKeys.retryAfter(guildId, personas.player))).toBeGreaterThan(rolePolicy.errorBackoffMs - 1_000);
  });

  it("says Discord is busy, with a retry time, when a 429 comes and nothing is cached", async () => {
    const tight = await emulator({ routeLimits: { [memberRoute]: { count: 1, windowSeconds: 30 } } });
    try {
      const services = appServices(redis, tight);
      const session = await signIn(tight, services, personas.player);
      // Spend the budget outside the service, as another tab of an old app version might.
      await fetch(`${tight.apiBase}/users/@me/guilds/${guildId}/member`, { headers: { Authorization: `Bearer ${session.access_token}` } });
      const answer = await services.roles.lookup(personas.player, session.sessionId);
      expect(answer.kind).toBe("unavailable");
      if (answer.kind !== "unavailable") return;
      expect(answer.retryAfterMs).toBeGreaterThan(20_000);
      expect(answer.message).toMatch(/Discord is busy, retrying in \d+ s/);
      // The 429 was honoured: the lock holds the next lookup back.
      const again = await services.roles.lookup(personas.player, session.sessionId);
      expect(again.kind).toBe("unavailable");
      expect((await tight.stats()).rateLimited).toBe(1);
    } finally {
      await tight.close();
    }
  });

  async function freshRedisNoFlush(): Promise<Redis> {
    return new RedisClient(inject("redisUrl"));
  }
});
