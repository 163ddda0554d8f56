import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it } from "vitest";
import { SessionExpiredError } from "@/lib/auth/errors";
import { createTokenStore } from "@/lib/auth/token-store";
import { createRoleService, roleKeys } from "@/lib/roles/service";
import { appServices, emulatorAndRedisPerTest, guildId, personas, signIn, testSecret, type TestEmulator } from "../../helpers/harness";

/**
 * A session ends for good at logout and when Discord refuses the grant;
 * leaving the server does not end it (the join view invites them back).
 * "Ends" means the server-side session is gone, which is what every request
 * checks (lib/auth/session.ts).
 */
describe("sessions end server-side", () => {
  let redis: Redis;
  let emu: TestEmulator;
  const stack = emulatorAndRedisPerTest();
  beforeEach(() => ({ redis, emu } = stack));

  it("a removed session (logout) is no longer alive, and only that one", async () => {
    const services = appServices(redis, emu);
    const first = await signIn(emu, services, personas.player);
    const second = await signIn(emu, services, personas.player);
    expect(await services.tokens.alive(first.sessionId)).toBe(true);
    await services.tokens.remove(first.sessionId);
    expect(await services.tokens.alive(first.sessionId)).toBe(false);
    expect(await services.tokens.alive(second.sessionId)).toBe(true);
  });

  it("a member found to have left the server keeps every session and is shown the join view, like the live mirror does", async () => {
    let leftServer = false;
    // Discord's answer once the member has left: 404 Unknown Guild, with the rate-limit headers of a real answer.
    const discord: typeof fetch = async (input, init) => {
      const real = await fetch(input, init);
      if (!leftServer) return real;
      return new Response(JSON.stringify({ message: "Unknown Guild", code: 10004 }), { status: 404, headers: real.headers });
    };
    const tokens = createTokenStore({ redis, secret: testSecret, oauth: { apiBase: emu.apiBase, clientId: "1400000000000000001", clientSecret: "emulator-client-secret" } });
    const roles = createRoleService({ redis, apiBase: emu.apiBase, guildId, tokens, fetch: discord });
    const services = { tokens, roles };
    const phone = await signIn(emu, services, personas.player);
    const laptop = await signIn(emu, services, personas.player);

    const before = await roles.lookup(personas.player, phone.sessionId);
    expect(before.kind === "roles" && before.snapshot.member).toBe(true);

    leftServer = true;
    await redis.del(roleKeys.retryAfter(guildId, personas.player));
    const after = await roles.lookup(personas.player, phone.sessionId);
    expect(after).toMatchObject({ kind: "roles", how: "fresh", snapshot: { member: false, roles: [] } });
    expect(await tokens.alive(phone.sessionId)).toBe(true);
    expect(await tokens.alive(laptop.sessionId)).toBe(true);
  });

  it("someone who was never a member keeps their session (they see the invitation to join)", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.outsider);
    const answer = await services.roles.lookup(personas.outsider, session.sessionId);
    expect(answer.kind === "roles" && answer.snapshot.member).toBe(false);
    expect(await services.tokens.alive(session.sessionId)).toBe(true);
  });

  it("a refresh token Discord refuses ends the session", async () => {
    const services = appServices(redis, emu);
    const session = await signIn(emu, services, personas.player, { expiresIn: 60 });
    await emu.control("reset", { body: {} });
    await expect(services.tokens.accessToken(session.sessionId)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(await services.tokens.alive(session.sessionId)).toBe(false);
  });
});
