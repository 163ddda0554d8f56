import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "@/emulator/server";

const guildId = "1100000000000000001";
const otherGuildId = "1100000000000000999";
const newcomer = "1200000000000000002";
const freeagent = "1200000000000000003";
const freeAgentRole = "1100000000000000102";
const memberRoute = "GET /users/@me/guilds/:guild_id/member";
const bot = { Authorization: "Bot emulator-bot-token" };

/** A clock the test moves by hand, so windows and bans reset without waiting. */
function fakeClock() {
  const clock = { nowMs: 1_800_000_000_000, now: () => clock.nowMs, advance: (ms: number) => (clock.nowMs += ms) };
  return clock;
}

let running: EmulatorHandle[] = [];

async function start(options: EmulatorOptions = {}) {
  const clock = fakeClock();
  const handle = await startEmulator({ port: 0, clock: clock.now, ...options });
  running.push(handle);
  const api = `${handle.url}/api/v10`;
  return {
    handle,
    clock,
    api,
    async token(userId: string): Promise<string> {
      const response = await fetch(`${handle.url}/__emulator/tokens`, { method: "POST", body: JSON.stringify({ user_id: userId }) });
      return ((await response.json()) as { access_token: string }).access_token;
    },
    member: (token: string) => fetch(`${api}/users/@me/guilds/${guildId}/member`, { headers: { Authorization: `Bearer ${token}` } }),
    memberRole: (method: "PUT" | "DELETE", guild = guildId) => fetch(`${api}/guilds/${guild}/members/${freeagent}/roles/${freeAgentRole}`, { method, headers: bot }),
    stats: async () => (await fetch(`${handle.url}/__emulator/stats`)).json() as Promise<Record<string, unknown>>,
  };
}

afterEach(async () => {
  await Promise.all(running.map((handle) => handle.close()));
  running = [];
});

describe("emulator per-route buckets", () => {
  it("puts every rate-limit header on a limited route", async () => {
    const emu = await start();
    const response = await emu.member(await emu.token(newcomer));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-ratelimit-limit")).toBe("5");
    expect(response.headers.get("x-ratelimit-remaining")).toBe("4");
    expect(response.headers.get("x-ratelimit-reset")).toBe(((emu.clock.nowMs + 60_000) / 1000).toFixed(3));
    expect(response.headers.get("x-ratelimit-reset-after")).toBe("60");
    expect(response.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(response.headers.get("x-ratelimit-scope")).toBeNull();
  });

  it("answers the 6th member lookup in the window with a user-scoped 429 and changes nothing", async () => {
    const emu = await start();
    const token = await emu.token(newcomer);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await emu.member(token);
      expect(response.status).toBe(200);
      remaining.push(response.headers.get("x-ratelimit-remaining"));
      emu.clock.advance(1_000);
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);

    const limited = await emu.member(token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toContain("application/json");
    expect(limited.headers.get("retry-after")).toBe("55");
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(limited.headers.get("x-ratelimit-global")).toBeNull();
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("x-ratelimit-reset-after")).toBe("55");
    expect(await limited.json()).toEqual({ message: "You are being rate limited.", retry_after: 55, global: false });

    const stats = await emu.stats();
    expect(stats).toMatchObject({ rateLimited: 1, invalid: 1, routes: { [memberRoute]: { requests: 6, rateLimited: 1, byStatus: { "200": 5, "429": 1 } } } });
  });

  it("reports a fractional Retry-After rounded up and opens a new window after the reset", async () => {
    const emu = await start({ routeLimits: { [memberRoute]: { count: 1, windowSeconds: 2.5 } } });
    const token = await emu.token(newcomer);
    expect((await emu.member(token)).status).toBe(200);
    emu.clock.advance(400);
    const limited = await emu.member(token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(((await limited.json()) as { retry_after: number }).retry_after).toBe(2.1);
    emu.clock.advance(2_100);
    const fresh = await emu.member(token);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(fresh.headers.get("x-ratelimit-reset-after")).toBe("2.5");
  });

  it("gives a different user token its own bucket with the same hash", async () => {
    const emu = await start({ routeLimits: { [memberRoute]: { count: 1, windowSeconds: 60 } } });
    const first = await emu.token(newcomer);
    const second = await emu.token(freeagent);
    const a = await emu.member(first);
    expect((await emu.member(first)).status).toBe(429);
    const b = await emu.member(second);
    expect(b.status).toBe(200);
    expect(b.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(b.headers.get("x-ratelimit-bucket")).toBe(a.headers.get("x-ratelimit-bucket"));
  });

  it("shares one bucket (and one hash) between adding and removing a member role, per guild", async () => {
    const emu = await start({ routeLimits: { "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": { count: 3, windowSeconds: 10 } } });
    const put = await emu.memberRole("PUT");
    const del = await emu.memberRole("DELETE");
    expect([put.status, del.status]).toEqual([204, 204]);
    expect(put.headers.get("x-ratelimit-bucket")).toBe(del.headers.get("x-ratelimit-bucket"));
    expect([put.headers.get("x-ratelimit-remaining"), del.headers.get("x-ratelimit-remaining")]).toEqual(["2", "1"]);
    expect((await emu.memberRole("PUT")).status).toBe(204);

    const personasBefore = await (await fetch(`${emu.handle.url}/__emulator/personas`)).json();
    const limited = await emu.memberRole("DELETE");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(await (await fetch(`${emu.handle.url}/__emulator/personas`)).json()).toEqual(personasBefore);

    const elsewhere = await emu.memberRole("PUT", otherGuildId);
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toEqual({ message: "Unknown Guild", code: 10004 });
    expect(elsewhere.headers.get("x-ratelimit-remaining")).toBe("2");
    expect(elsewhere.headers.get("x-ratelimit-bucket")).toBe(put.headers.get("x-ratelimit-bucket"));
  });

  it("uses a different hash for routes that do not share a bucket", async () => {
    const emu = await start();
    const roles = await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: bot });
    const member = await fetch(`${emu.api}/guilds/${guildId}/members/${newcomer}`, { headers: bot });
    expect(roles.headers.get("x-ratelimit-bucket")).not.toBe(member.headers.get("x-ratelimit-bucket"));
  });
});

describe("emulator buckets of OAuth2 users", () => {
  const basic = `Basic ${Buffer.from("1400000000000000001:emulator-client-secret").toString("base64")}`;

  async function refresh(emu: Awaited<ReturnType<typeof start>>, refreshToken: string): Promise<string> {
    const response = await fetch(`${emu.api}/oauth2/token`, {
      method: "POST",
      headers: { Authorization: basic },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it("shares the member-lookup bucket between a refreshed token and a second login of the same user", async () => {
    const emu = await start();
    const granted = (await (await fetch(`${emu.handle.url}/__emulator/tokens`, { method: "POST", body: JSON.stringify({ user_id: newcomer }) })).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const phone = await emu.token(newcomer);
    const remaining: (string | null)[] = [];
    for (const token of [granted.access_token, phone, granted.access_token, phone]) {
      const response = await emu.member(token);
      expect(response.status).toBe(200);
      remaining.push(response.headers.get("x-ratelimit-remaining"));
    }
    const refreshed = await refresh(emu, granted.refresh_token);
    const fifth = await emu.member(refreshed);
    remaining.push(fifth.headers.get("x-ratelimit-remaining"));
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
    for (const token of [refreshed, phone]) {
      const limited = await emu.member(token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    }
    expect((await emu.member(await emu.token(freeagent))).status).toBe(200);
  });

  it("counts the global limit per user too: two tokens of one user share it, another user has their own", async () => {
    const emu = await start({ globalLimitPerSecond: 4, routeLimits: { [memberRoute]: { count: 100, windowSeconds: 1 } } });
    const laptop = await emu.token(newcomer);
    const phone = await emu.token(newcomer);
    for (const token of [laptop, phone, laptop, phone]) expect((await emu.member(token)).status).toBe(200);
    const limited = await emu.member(phone);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("global");
    expect((await emu.member(await emu.token(freeagent))).status).toBe(200);
    expect((await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: bot })).status).toBe(200);
  });
});

describe("emulator shared limit on a member's roles", () => {
  const memberRoleUrl = (emu: Awaited<ReturnType<typeof start>>, userId: string) => `${emu.api}/guilds/${guildId}/members/${userId}/roles/${freeAgentRole}`;

  it("answers 429 with scope shared while the caller's own bucket has room, and does not count it as invalid", async () => {
    const emu = await start({ sharedMemberRoleLimit: { count: 2, windowSeconds: 10 } });
    expect((await fetch(memberRoleUrl(emu, newcomer), { method: "PUT", headers: bot })).status).toBe(204);
    expect((await fetch(memberRoleUrl(emu, newcomer), { method: "DELETE", headers: bot })).status).toBe(204);
    emu.clock.advance(4_000);
    const limited = await fetch(memberRoleUrl(emu, newcomer), { method: "PUT", headers: bot });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("shared");
    expect(limited.headers.get("x-ratelimit-global")).toBeNull();
    expect(Number(limited.headers.get("x-ratelimit-remaining"))).toBeGreaterThan(0);
    expect(limited.headers.get("retry-after")).toBe("6");
    expect(await limited.json()).toEqual({ message: "You are being rate limited.", retry_after: 6, global: false });
    const personas = (await (await fetch(`${emu.handle.url}/__emulator/personas`)).json()) as { personas: { id: string; roles: string[] }[] };
    expect(personas.personas.find((persona) => persona.id === newcomer)?.roles).toEqual([]);
    expect(await emu.stats()).toMatchObject({ rateLimited: 1, invalid: 0 });

    // Another member's roles are another resource; after the window the member is free again.
    expect((await fetch(memberRoleUrl(emu, freeagent), { method: "PUT", headers: bot })).status).toBe(204);
    emu.clock.advance(6_000);
    expect((await fetch(memberRoleUrl(emu, newcomer), { method: "PUT", headers: bot })).status).toBe(204);
  });

  it("is off unless configured", async () => {
    const emu = await start();
    for (let i = 0; i < 10; i += 1) expect((await fetch(memberRoleUrl(emu, newcomer), { method: i % 2 === 0 ? "PUT" : "DELETE", headers: bot })).status).toBe(204);
  });
});

describe("emulator global limit", () => {
  it("refuses the bot token past the global limit with X-RateLimit-Global, whatever the route", async () => {
    const emu = await start({
      globalLimitPerSecond: 5,
      routeLimits: { "GET /guilds/:guild_id/roles": { count: 100, windowSeconds: 1 } },
    });
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: bot })).status).toBe(200);
    emu.clock.advance(250);
    const limited = await fetch(`${emu.api}/guilds/${guildId}/members/${newcomer}`, { headers: bot });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-global")).toBe("true");
    expect(limited.headers.get("x-ratelimit-scope")).toBe("global");
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.json()).toEqual({ message: "You are being rate limited.", retry_after: 0.75, global: true });

    const userToken = await emu.token(newcomer);
    expect((await emu.member(userToken)).status).toBe(200);
    emu.clock.advance(750);
    expect((await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: bot })).status).toBe(200);
  });

  it("counts unauthenticated requests per IP", async () => {
    const emu = await start({ globalLimitPerSecond: 2 });
    expect((await fetch(`${emu.api}/users/@me`)).status).toBe(401);
    expect((await fetch(`${emu.api}/nowhere`)).status).toBe(404);
    const limited = await fetch(`${emu.api}/users/@me`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-global")).toBe("true");
  });
});

describe("emulator invalid-request ban", () => {
  it("bans the IP after too many 401s with a Cloudflare 429 in text/plain and no rate-limit headers", async () => {
    const emu = await start({ invalidLimit: 3, banSeconds: 90 });
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${emu.api}/users/@me`, { headers: { Authorization: "Bearer nope" } });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: "401: Unauthorized", code: 0 });
      // Discord's own answers pass its front end; the ban page below does not.
      expect(response.headers.get("via")).toBe("1.1 google");
    }
    emu.clock.advance(10_000);
    const banned = await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: bot });
    expect(banned.status).toBe(429);
    expect(banned.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await banned.text()).toBe("error code: 1015");
    expect(banned.headers.get("retry-after")).toBe("80");
    expect([...banned.headers.keys()].filter((name) => name.startsWith("x-ratelimit"))).toEqual([]);
    expect(banned.headers.get("via")).toBeNull();

    expect(await emu.stats()).toMatchObject({ banned: true, invalid: 4 });

    emu.clock.advance(80_000);
    expect((await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: bot })).status).toBe(200);
    expect(await emu.stats()).toMatchObject({ banned: false });
  });

  it("counts 429s and the 401 of a user token on a bot route too", async () => {
    const emu = await start({ invalidLimit: 2, routeLimits: { [memberRoute]: { count: 1, windowSeconds: 60 } } });
    const token = await emu.token(newcomer);
    await emu.member(token);
    expect((await emu.member(token)).status).toBe(429);
    expect((await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${emu.api}/users/@me`)).status).toBe(401);
    expect((await fetch(`${emu.api}/users/@me`)).status).toBe(429);
  });
});
