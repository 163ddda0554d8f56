import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it } from "vitest";
import { revokeToken } from "@/lib/auth/discord-oauth";
import { SessionExpiredError, sessionEndMessages } from "@/lib/auth/errors";
import { roleKeys } from "@/lib/roles/service";
import { appServices, emulatorAndRedisPerTest, guildId, memberRoute, personas, roleIds, signIn, type TestEmulator } from "../../helpers/harness";

const oauth = { clientId: "1400000000000000001", clientSecret: "emulator-client-secret" };

/**
 * Discord refusing the user's login on the member lookup (401): a token
 * without the `guilds.members.read` scope, or every token of the user revoked
 * when they signed out on another device. The session ends with a sentence
 * saying what to do; never "not a member", never a 500, never a refresh loop.
 */
describe("role lookups when Discord refuses the login", () => {
  let redis: Redis;
  let emu: TestEmulator;
  const stack = emulatorAndRedisPerTest();
  beforeEach(() => ({ redis, emu } = stack));

  /** A login whose grant lacks `guilds.members.read`, stored as the login callback would store it. */
  async function signInWithoutRolesScope(services: ReturnType<typeof appServices>, userId: string) {
    const granted = await emu.control<{ access_token: string; refresh_token: string; expires_in: number; scope: string }>("tokens", { body: { user_id: userId, scope: "identify" } });
    const sessionId = `session-${userId}-identify-only`;
    await services.tokens.save(sessionId, { accessToken: granted.access_token, refreshToken: granted.refresh_token, expiresAt: Date.now() + granted.expires_in * 1_000, scope: granted.scope, userId });
    return { sessionId, ...granted };
  }

  it("ends a session whose login cannot read roles after one refresh, and says to log in again and allow it", async () => {
    const services = appServices(redis, emu);
    const session = await signInWithoutRolesScope(services, personas.player);
    const lookup = services.roles.lookup(personas.player, session.sessionId);
    await expect(lookup).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(lookup).rejects.toMatchObject({ reason: "missing_scope", message: sessionEndMessages.missing_scope });
    expect(await services.tokens.alive(session.sessionId)).toBe(false);

    const stats = await emu.stats();
    // The refused token, one refresh, the refreshed token refused too: then no more.
    expect(stats.routes[memberRoute]?.requests).toBe(2);
    expect(stats.routes["POST /oauth2/token"]?.requests).toBe(1);
    expect(stats.rateLimited).toBe(0);
    // Nothing was cached as "not a member", and no pacing lock keeps the user's next login waiting.
    expect(await redis.exists(roleKeys.cache(guildId, personas.player))).toBe(0);
    expect(await redis.exists(roleKeys.retryAfter(guildId, personas.player))).toBe(0);
  });

  it("stops there: the next requests of that session neither refresh nor ask Discord", async () => {
    const services = appServices(redis, emu);
    const session = await signInWithoutRolesScope(services, personas.player);
    await expect(services.roles.lookup(personas.player, session.sessionId)).rejects.toMatchObject({ reason: "missing_scope" });
    for (let request = 0; request < 3; request += 1) {
      await expect(services.roles.lookup(personas.player, session.sessionId)).rejects.toBeInstanceOf(SessionExpiredError);
    }
    const stats = await emu.stats();
    expect(stats.routes[memberRoute]?.requests).toBe(2);
    expect(stats.routes["POST /oauth2/token"]?.requests).toBe(1);
  });

  it("ends only the session without the scope: the user's other device keeps its session and its roles", async () => {
    const services = appServices(redis, emu);
    const laptop = await signIn(emu, services, personas.player);
    const phone = await signInWithoutRolesScope(services, personas.player);
    await expect(services.roles.lookup(personas.player, phone.sessionId)).rejects.toMatchObject({ reason: "missing_scope" });
    expect(await services.tokens.alive(laptop.sessionId)).toBe(true);
    const answer = await services.roles.lookup(personas.player, laptop.sessionId);
    expect(answer.kind === "roles" && answer.snapshot.roles).toContain(roleIds.player);
  });

  it("keeps the session when the refresh cannot be asked (token endpoint down): cached roles, a back-off, no sign-out", async () => {
    const services = appServices(redis, emu);
    // Discord has dropped the access token early, while the store believes it has days left.
    const session = await signIn(emu, services, personas.player, { expiresIn: 1, claimedExpiresAt: Date.now() + 5 * 24 * 3_600_000 });
    await services.roles.writeThrough(personas.player, [roleIds.updatedProfile, roleIds.player]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await emu.control("faults", { body: { route: "POST /oauth2/token", kind: "status", status: 503, count: 1 } });

    const answer = await services.roles.lookup(personas.player, session.sessionId);
    expect(answer).toMatchObject({ kind: "roles", stale: true, discordBusy: true, snapshot: { member: true } });
    expect(await services.tokens.alive(session.sessionId)).toBe(true);
    // Backed off: the refused token is not sent again at once.
    const again = await services.roles.lookup(personas.player, session.sessionId);
    expect(again).toMatchObject({ kind: "roles", how: "paced", discordBusy: true });
    const stats = await emu.stats();
    expect(stats.routes[memberRoute]?.requests).toBe(1);
    expect(stats.routes["POST /oauth2/token"]?.requests).toBe(1);
  });

  it("after a sign-out on the phone revokes the user's tokens, the laptop's next lookup ends its session with a sentence", async () => {
    const services = appServices(redis, emu);
    const phone = await signIn(emu, services, personas.player);
    const laptop = await signIn(emu, services, personas.player);
    const before = await services.roles.lookup(personas.player, laptop.sessionId);
    expect(before.kind === "roles" && before.snapshot.member).toBe(true);

    // The phone signs out as the logout does: its session removed, its token revoked at Discord,
    // which revokes every token the app holds for the user.
    await services.tokens.remove(phone.sessionId);
    expect(await revokeToken({ apiBase: emu.apiBase, ...oauth }, phone.access_token)).toBe(true);

    // Until the pace allows a call the laptop keeps its cached roles; once it asks Discord, the session ends.
    await redis.del(roleKeys.retryAfter(guildId, personas.player));
    const lookup = services.roles.lookup(personas.player, laptop.sessionId);
    await expect(lookup).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(lookup).rejects.toMatchObject({ reason: "session_expired", message: sessionEndMessages.session_expired });
    expect(await services.tokens.alive(laptop.sessionId)).toBe(false);

    // The cached roles are still the member's: nothing turned into "not a member".
    const cached = await services.roles.cached(personas.player);
    expect(cached?.member).toBe(true);
    expect(cached?.roles).toContain(roleIds.player);
    const stats = await emu.stats();
    expect(stats.routes["POST /oauth2/token"]?.requests).toBe(1);
    expect(stats.routes[memberRoute]?.requests).toBe(2);
  });
});
