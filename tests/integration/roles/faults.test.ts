import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it } from "vitest";
import { rolePolicy } from "@/lib/roles/policy";
import { CloudflareBanError } from "@/lib/discord/rest/errors";
import { roleKeys } from "@/lib/roles/service";
import { appServices, emulator, emulatorAndRedisPerTest, guildId, memberRoute, personas, roleIds, signIn, type TestEmulator } from "../../helpers/harness";

/**
 * Discord misbehaving on the member route: the role service serves the
 * cached roles or a clear "busy" answer, never wrong roles, never "not a member".
 */
describe("role lookups when Discord misbehaves", () => {
  let redis: Redis;
  let emu: TestEmulator;
  const stack = emulatorAndRedisPerTest();
  beforeEach(() => ({ redis, emu } = stack));

  /** A player whose roles are cached, with the pacing lock lifted so the next lookup calls Discord. */
  async function cachedPlayer() {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player);
    const first = await services.roles.lookup(personas.player, session.sessionId);
    expect(first.kind === "roles" && first.how).toBe("fresh");
    await redis.del(roleKeys.retryAfter(guildId, personas.player));
    return { services, session };
  }

  function expectCachedPlayer(answer: Awaited<ReturnType<ReturnType<typeof appServices>["roles"]["lookup"]>>) {
    expect(answer.kind).toBe("roles");
    if (answer.kind !== "roles") return;
    expect(answer.snapshot.member).toBe(true);
    expect(answer.snapshot.roles).toContain(roleIds.player);
    expect(answer.stale).toBe(true);
    expect(answer.discordBusy).toBe(true);
  }

  it.each([500, 502, 503])("serves the cache through a burst of %i answers and backs off", async (status) => {
    const { services, session } = await cachedPlayer();
    await emu.control("faults", { body: { route: memberRoute, kind: "status", status, count: 3 } });
    expectCachedPlayer(await services.roles.lookup(personas.player, session.sessionId));
    // Backed off: the next lookups do not reach Discord during the pause.
    expectCachedPlayer(await services.roles.lookup(personas.player, session.sessionId));
    expect((await emu.stats()).routes[memberRoute]?.requests).toBe(2);
  });

  it("abandons an answer slower than the deadline and serves the cache", async () => {
    const { services, session } = await cachedPlayer();
    await emu.control("faults", { body: { route: memberRoute, kind: "delay", delayMs: rolePolicy.discordTimeoutMs + 1_500, count: 1 } });
    expectCachedPlayer(await services.roles.lookup(personas.player, session.sessionId));
  });

  it("treats malformed JSON as an error, not as 'no roles'", async () => {
    const { services, session } = await cachedPlayer();
    await emu.control("faults", { body: { route: memberRoute, kind: "malformed-json", count: 1 } });
    expectCachedPlayer(await services.roles.lookup(personas.player, session.sessionId));
  });

  it("treats missing rate-limit headers as unknown and paces carefully", async () => {
    const { services, session } = await cachedPlayer();
    await emu.control("faults", { body: { route: memberRoute, kind: "no-ratelimit-headers", count: 1 } });
    const answer = await services.roles.lookup(personas.player, session.sessionId);
    expect(answer.kind === "roles" && answer.how).toBe("fresh");
    expect(await redis.pttl(roleKeys.retryAfter(guildId, personas.player))).toBeGreaterThan(rolePolicy.unknownPaceMs - 1_000);
  });

  it("keeps pacing from the headers when the bucket hash changes", async () => {
    const { services, session } = await cachedPlayer();
    await emu.control("faults", { body: { route: memberRoute, kind: "bucket-flip", count: 1 } });
    const answer = await services.roles.lookup(personas.player, session.sessionId);
    expect(answer.kind === "roles" && answer.snapshot.roles).toContain(roleIds.player);
    expect(await redis.pttl(roleKeys.retryAfter(guildId, personas.player))).toBeGreaterThan(0);
  });

  it("serves the cache through a Cloudflare ban, and stops every lookup for the whole IP until it passes", async () => {
    const { services, session } = await cachedPlayer();
    const manager = await signIn(emu, services, personas.manager);
    await emu.control("faults", { body: { route: memberRoute, kind: "ban", count: 1 } });
    expectCachedPlayer(await services.roles.lookup(personas.player, session.sessionId));
    // The ban's Retry-After is an hour, and the breaker is the one the bot's REST client reads too.
    const egress = await services.rest.inspect();
    expect(egress.cloudflareBan.retryAfterMs).toBeGreaterThan(3_000_000);
    expect(egress.invalidRequests.count).toBe(1);
    // Another user's token is not asked either: a ban is per IP.
    const other = await services.roles.lookup(personas.manager, manager.sessionId);
    expect(other).toMatchObject({ kind: "unavailable", reason: "discord" });
    expect((await emu.stats()).routes[memberRoute]?.requests).toBe(2);
  });

  it("calls no Discord while the REST client's ban breaker is open", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player);
    // The bot's own request meets the ban and opens the breaker.
    await emu.control("faults", { body: { route: "GET /guilds/:guild_id/roles", kind: "ban", count: 1 } });
    await expect(services.rest.get(`/guilds/${guildId}/roles`)).rejects.toBeInstanceOf(CloudflareBanError);
    const answer = await services.roles.lookup(personas.player, session.sessionId);
    expect(answer.kind).toBe("unavailable");
    expect((await emu.stats()).routes[memberRoute]?.requests ?? 0).toBe(0);
  });

  it("counts a 429 toward the IP's invalid-request log that the REST client guards", async () => {
    const tight = await emulator({ routeLimits: { [memberRoute]: { count: 1, windowSeconds: 30 } } });
    try {
      const services = appServices(redis, tight);
      const session = await signIn(tight, services, personas.player);
      await fetch(`${tight.apiBase}/users/@me/guilds/${guildId}/member`, { headers: { Authorization: `Bearer ${session.access_token}` } });
      await services.roles.lookup(personas.player, session.sessionId);
      expect((await services.rest.inspect()).invalidRequests.count).toBe(1);
    } finally {
      await tight.close();
    }
  });

  it("answers 'busy' rather than guessing when Discord fails and nothing is cached", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player);
    await emu.control("faults", { body: { route: memberRoute, kind: "status", status: 503, count: 1 } });
    const answer = await services.roles.lookup(personas.player, session.sessionId);
    expect(answer).toMatchObject({ kind: "unavailable", reason: "discord" });
  });
});
