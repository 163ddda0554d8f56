import type { APIGuildMember, APIRole, APIUser } from "discord-api-types/v10";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";

const guildId = "1100000000000000001";
const personas = { outsider: "1200000000000000001", newcomer: "1200000000000000002", freeagent: "1200000000000000003", manager: "1200000000000000004" };
const roles = {
  updatedProfile: "1100000000000000101",
  freeAgent: "1100000000000000102",
  teamManager: "1100000000000000104",
  moderator: "1100000000000000106",
  lagosLions: "1100000000000000201",
};
const bot = { Authorization: "Bot emulator-bot-token" };

type Personas = { guild: { id: string; name: string; roles: { id: string; name: string }[] }; personas: { id: string; username: string; member: boolean; roles: string[] }[] };

let emulator: EmulatorHandle;
let api: string;

/** Route limits are raised so this file tests behaviour, not buckets (emulator-rate-limits covers those). */
beforeAll(async () => {
  const roomy = { count: 1_000, windowSeconds: 1 };
  emulator = await startEmulator({
    port: 0,
    globalLimitPerSecond: 1_000,
    routeLimits: {
      "GET /users/@me/guilds/:guild_id/member": roomy,
      "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roomy,
      "POST /guilds/:guild_id/roles": roomy,
      "GET /guilds/:guild_id/roles": roomy,
    },
  });
  api = `${emulator.url}/api/v10`;
});
afterAll(() => emulator.close());
beforeEach(() => control("POST", "reset"));

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${emulator.url}/__emulator/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function token(userId: string, scope?: string): Promise<string> {
  const response = await control("POST", "tokens", { user_id: userId, ...(scope ? { scope } : {}) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });

async function personaRoles(userId: string): Promise<string[] | undefined> {
  const body = (await (await control("GET", "personas?all=1")).json()) as Personas;
  return body.personas.find((persona) => persona.id === userId)?.roles;
}

describe("emulator user routes", () => {
  it("answers GET /users/@me with an APIUser, also without the version in the path", async () => {
    const accessToken = await token(personas.manager);
    for (const base of [api, `${emulator.url}/api`]) {
      const response = await fetch(`${base}/users/@me`, { headers: bearer(accessToken) });
      expect(response.status).toBe(200);
      const user = (await response.json()) as APIUser;
      expect(user).toMatchObject({ id: personas.manager, username: "manager", global_name: "Manager", avatar: "8c2e5b9d1a7f4e3c6b0d9a2f5e8c1b74", discriminator: "0" });
      expect(user.email).toBeUndefined();
    }
    const withEmail = await fetch(`${api}/users/@me`, { headers: bearer(await token(personas.manager, "identify email")) });
    expect(((await withEmail.json()) as APIUser).email).toMatch(/@/);
    const asBot = await fetch(`${api}/users/@me`, { headers: bot });
    expect(await asBot.json()).toMatchObject({ id: "1300000000000000001", bot: true });
  });

  it("answers the member lookup with an APIGuildMember", async () => {
    const response = await fetch(`${api}/users/@me/guilds/${guildId}/member`, { headers: bearer(await token(personas.manager)) });
    expect(response.status).toBe(200);
    const member = (await response.json()) as APIGuildMember;
    expect(member).toMatchObject({ user: { id: personas.manager, username: "manager" }, nick: null, deaf: false, mute: false, flags: 0 });
    expect(member.roles.sort()).toEqual([roles.updatedProfile, roles.teamManager, roles.lagosLions, roles.moderator].sort());
    expect(member.joined_at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("answers 404 Unknown Guild for a user who is not in the guild", async () => {
    const response = await fetch(`${api}/users/@me/guilds/${guildId}/member`, { headers: bearer(await token(personas.outsider)) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: "Unknown Guild", code: 10004 });
  });

  it("answers 401 without the guilds.members.read scope, or to the bot, as Discord does", async () => {
    const identifyOnly = await fetch(`${api}/users/@me/guilds/${guildId}/member`, { headers: bearer(await token(personas.newcomer, "identify")) });
    expect(identifyOnly.status).toBe(401);
    expect(await identifyOnly.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    const asBot = await fetch(`${api}/users/@me/guilds/${guildId}/member`, { headers: bot });
    expect(asBot.status).toBe(401);
    expect(await asBot.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    expect((await fetch(`${api}/users/@me`, { headers: bearer(await token(personas.newcomer, "guilds.members.read")) })).status).toBe(401);
  });

  it("answers 401 for a missing, unknown or expired token", async () => {
    const expired = ((await (await control("POST", "tokens", { user_id: personas.newcomer, expires_in: 0 })).json()) as { access_token: string }).access_token;
    for (const headers of [{}, bearer("nope"), { Authorization: "Bot wrong" }, { Authorization: "Basic abc" }, bearer(expired)]) {
      const response = await fetch(`${api}/users/@me/guilds/${guildId}/member`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    }
  });
});

describe("emulator bot routes", () => {
  it("reads a member, and answers 10007 Unknown Member for a non-member", async () => {
    const member = await fetch(`${api}/guilds/${guildId}/members/${personas.freeagent}`, { headers: bot });
    expect(await member.json()).toMatchObject({ user: { username: "freeagent" }, roles: [roles.updatedProfile, roles.freeAgent] });
    const outsider = await fetch(`${api}/guilds/${guildId}/members/${personas.outsider}`, { headers: bot });
    expect(outsider.status).toBe(404);
    expect(await outsider.json()).toEqual({ message: "Unknown Member", code: 10007 });
  });

  it("answers 401 to a user token on a bot route, counted as an invalid request", async () => {
    const response = await fetch(`${api}/guilds/${guildId}/roles`, { headers: bearer(await token(personas.manager)) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    expect(await (await control("GET", "stats")).json()).toMatchObject({ invalid: 1 });
  });

  it("adds and removes member roles with 204, idempotently", async () => {
    const url = `${api}/guilds/${guildId}/members/${personas.newcomer}/roles/${roles.freeAgent}`;
    expect((await fetch(url, { method: "PUT", headers: bot })).status).toBe(204);
    expect((await fetch(url, { method: "PUT", headers: bot })).status).toBe(204);
    expect(await personaRoles(personas.newcomer)).toEqual([roles.freeAgent]);
    expect((await fetch(url, { method: "DELETE", headers: bot })).status).toBe(204);
    expect(await personaRoles(personas.newcomer)).toEqual([]);
  });

  it("answers 10011 Unknown Role, 10007 Unknown Member and a form error for a non-snowflake", async () => {
    const unknownRole = await fetch(`${api}/guilds/${guildId}/members/${personas.newcomer}/roles/1100000000000000999`, { method: "PUT", headers: bot });
    expect(unknownRole.status).toBe(404);
    expect(await unknownRole.json()).toEqual({ message: "Unknown Role", code: 10011 });
    const unknownMember = await fetch(`${api}/guilds/${guildId}/members/${personas.outsider}/roles/${roles.freeAgent}`, { method: "PUT", headers: bot });
    expect(await unknownMember.json()).toEqual({ message: "Unknown Member", code: 10007 });
    const notSnowflake = await fetch(`${api}/guilds/${guildId}/members/abc/roles/${roles.freeAgent}`, { method: "PUT", headers: bot });
    expect(notSnowflake.status).toBe(400);
    expect(await notSnowflake.json()).toMatchObject({ code: 50035, errors: { user_id: { _errors: [{ code: "NUMBER_TYPE_COERCE" }] } } });
  });

  it("creates a role and lists it among the guild's roles", async () => {
    const created = await fetch(`${api}/guilds/${guildId}/roles`, {
      method: "POST",
      headers: { ...bot, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Abuja Eagles", color: 0x00_80_00, hoist: true, mentionable: true, permissions: "0" }),
    });
    expect(created.status).toBe(200);
    const role = (await created.json()) as APIRole;
    expect(role).toMatchObject({ name: "Abuja Eagles", color: 0x00_80_00, hoist: true, mentionable: true, permissions: "0", managed: false, position: 1 });
    expect(role.id).toMatch(/^\d{17,20}$/);
    const listed = (await (await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot })).json()) as APIRole[];
    expect(listed.map((entry) => entry.name)).toEqual(["@everyone", "Abuja Eagles", "updated-profile", "free-agent", "player", "Lagos Lions", "team manager", "tournament admin", "Moderator", "SAFA Bot"]);
    expect(listed.map((entry) => entry.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("rejects a bad role body with Discord's Invalid Form Body shape", async () => {
    const post = (body: string) => fetch(`${api}/guilds/${guildId}/roles`, { method: "POST", headers: { ...bot, "Content-Type": "application/json" }, body });
    const tooLong = await post(JSON.stringify({ name: "x".repeat(101), hoist: "yes" }));
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({
      message: "Invalid Form Body",
      code: 50035,
      errors: {
        name: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." }] },
        hoist: { _errors: [{ code: "BASE_TYPE_BOOLEAN", message: "Must be either true or false." }] },
      },
    });
    const notJson = await post("{name:");
    expect(await notJson.json()).toEqual({ message: "The request body contains invalid JSON.", code: 50109 });
    const badColor = await post(JSON.stringify({ name: "ok", color: "red" }));
    expect(await badColor.json()).toMatchObject({ errors: { color: { _errors: [{ code: "NUMBER_TYPE_COERCE" }] } } });
    expect((await (await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot })).json()) as APIRole[]).toHaveLength(9);
  });

  it("deletes a role and takes it from every member", async () => {
    const response = await fetch(`${api}/guilds/${guildId}/roles/${roles.lagosLions}`, { method: "DELETE", headers: bot });
    expect(response.status).toBe(204);
    expect(await personaRoles(personas.manager)).toEqual([roles.updatedProfile, roles.teamManager, roles.moderator]);
    const again = await fetch(`${api}/guilds/${guildId}/roles/${roles.lagosLions}`, { method: "DELETE", headers: bot });
    expect(await again.json()).toEqual({ message: "Unknown Role", code: 10011 });
  });

  it("answers unknown routes 404 and wrong methods 405 in Discord's shape", async () => {
    const unknown = await fetch(`${api}/channels/1/pins`, { headers: bot });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: "404: Not Found", code: 0 });
    const wrongMethod = await fetch(`${api}/guilds/${guildId}/roles`, { method: "PATCH", headers: bot });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ message: "405: Method Not Allowed", code: 0 });
  });
});

describe("emulator control API", () => {
  it("lists the fixture guild and personas", async () => {
    const body = (await (await control("GET", "personas")).json()) as Personas;
    expect(body.guild).toMatchObject({ id: guildId, name: "SAFA" });
    expect(body.guild.roles).toContainEqual({ id: "1100000000000000105", name: "tournament admin" });
    expect(body.personas.map((persona) => [persona.username, persona.id, persona.member])).toEqual([
      ["outsider", "1200000000000000001", false],
      ["newcomer", "1200000000000000002", true],
      ["freeagent", "1200000000000000003", true],
      ["manager", "1200000000000000004", true],
      ["player", "1200000000000000005", true],
      ["admin", "1200000000000000006", true],
      ["freeagent2", "1200000000000000007", true],
      ["freeagent3", "1200000000000000008", true],
    ]);
    expect(body.personas.find((persona) => persona.username === "admin")?.roles).toEqual(["1100000000000000101", "1100000000000000105", "1100000000000000102"]);
  });

  it("creates synthetic users who can log in, listed only with ?all=1", async () => {
    const created = await control("POST", "users", { username: "bench_user_1", roles: [roles.freeAgent] });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; username: string };
    expect(user.username).toBe("bench_user_1");
    const member = await fetch(`${api}/users/@me/guilds/${guildId}/member`, { headers: bearer(await token(user.id)) });
    expect(await member.json()).toMatchObject({ user: { id: user.id }, roles: [roles.freeAgent] });
    const shown = (await (await control("GET", "personas")).json()) as Personas;
    expect(shown.personas.some((persona) => persona.id === user.id)).toBe(false);
    expect(await personaRoles(user.id)).toEqual([roles.freeAgent]);
  });

  it("resets users, roles, tokens and counters to the fixture", async () => {
    const accessToken = await token(personas.newcomer);
    await fetch(`${api}/guilds/${guildId}/roles/${roles.freeAgent}`, { method: "DELETE", headers: bot });
    await control("POST", "users", { username: "temp_user" });
    await control("POST", "reset");
    expect((await fetch(`${api}/users/@me`, { headers: bearer(accessToken) })).status).toBe(401);
    expect(await personaRoles(personas.freeagent)).toEqual([roles.updatedProfile, roles.freeAgent]);
    expect(((await (await control("GET", "personas?all=1")).json()) as Personas).personas).toHaveLength(8);
    await control("POST", "reset");
    expect(await (await control("GET", "stats")).json()).toMatchObject({ requests: 0, rateLimited: 0, invalid: 0, banned: false });
  });

  it.each([
    ["tokens", { user_id: "abc" }, /user_id/],
    ["tokens", { user_id: "1200000000000009999" }, /no user/],
    ["tokens", { user_id: personas.newcomer, scope: "identify bot" }, /scope/],
    ["users", { username: "Bad Name!" }, /username/],
    ["users", { username: "newcomer" }, /taken/],
    ["users", { username: "ghost", member: false, roles: [roles.freeAgent] }, /not a member/],
    ["users", { username: "ghost", roles: ["1100000000000000999"] }, /roles/],
    ["faults", { kind: "explode" }, /kind/],
    ["faults", { kind: "status", status: 418 }, /status/],
    ["faults", { kind: "delay", route: "GET /nowhere", delayMs: 1 }, /route/],
  ])("answers 400 with a readable message for POST %s %j", async (path, body, message) => {
    const response = await control("POST", path, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await fetch(`${emulator.url}/__emulator/tokens`, { method: "POST", body: "{" });
    expect(response.status).toBe(400);
  });
});

describe("emulator faults", () => {
  const rolesRoute = "GET /guilds/:guild_id/roles";
  const memberRoleRoute = "PUT /guilds/:guild_id/members/:user_id/roles/:role_id";

  it("answers an injected 5xx for `count` requests without changing state, then recovers", async () => {
    await control("POST", "faults", { route: memberRoleRoute, kind: "status", status: 503, count: 1 });
    const url = `${api}/guilds/${guildId}/members/${personas.newcomer}/roles/${roles.freeAgent}`;
    const failed = await fetch(url, { method: "PUT", headers: bot });
    expect(failed.status).toBe(503);
    expect(await personaRoles(personas.newcomer)).toEqual([]);
    expect((await fetch(url, { method: "PUT", headers: bot })).status).toBe(204);
    expect(await personaRoles(personas.newcomer)).toEqual([roles.freeAgent]);
  });

  it("delays, corrupts JSON, drops rate-limit headers and flips the bucket on the chosen route only", async () => {
    const normal = await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot });
    const hash = normal.headers.get("x-ratelimit-bucket");

    await control("POST", "faults", { route: rolesRoute, kind: "malformed-json", count: 1 });
    await expect((await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot })).json()).rejects.toThrow();

    await control("POST", "faults", { route: rolesRoute, kind: "no-ratelimit-headers", count: 1 });
    const bare = await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot });
    expect(bare.status).toBe(200);
    expect(bare.headers.get("x-ratelimit-remaining")).toBeNull();

    await control("POST", "faults", { route: rolesRoute, kind: "bucket-flip", count: 1 });
    const flipped = await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot });
    expect(flipped.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
    expect(flipped.headers.get("x-ratelimit-bucket")).not.toBe(hash);

    await control("POST", "faults", { route: rolesRoute, kind: "delay", delayMs: 200 });
    const startedAt = performance.now();
    await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(190);
    const other = performance.now();
    await fetch(`${api}/users/@me`, { headers: bot });
    expect(performance.now() - other).toBeLessThan(150);

    const listed = (await (await control("GET", "faults")).json()) as { faults: unknown[] };
    expect(listed.faults).toHaveLength(1);
    expect((await control("DELETE", "faults")).status).toBe(200);
    expect(((await (await control("GET", "faults")).json()) as { faults: unknown[] }).faults).toEqual([]);
  });

  it("answers a Cloudflare ban page for every route when no route is given", async () => {
    await control("POST", "faults", { kind: "ban", count: 2 });
    for (const path of ["/users/@me", `/guilds/${guildId}/roles`]) {
      const response = await fetch(`${api}${path}`, { headers: bot });
      expect(response.status).toBe(429);
      expect(await response.text()).toBe("error code: 1015");
      expect(response.headers.get("x-ratelimit-limit")).toBeNull();
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect((await fetch(`${api}/users/@me`, { headers: bot })).status).toBe(200);
  });

  it("counts requests per route and status in stats", async () => {
    await fetch(`${api}/guilds/${guildId}/roles`, { headers: bot });
    await fetch(`${api}/guilds/${guildId}/members/${personas.outsider}`, { headers: bot });
    const stats = (await (await control("GET", "stats")).json()) as { requests: number; routes: Record<string, { requests: number; byStatus: Record<string, number> }> };
    expect(stats.requests).toBe(2);
    expect(stats.routes[rolesRoute]).toEqual({ requests: 1, rateLimited: 0, byStatus: { "200": 1 } });
    expect(stats.routes["GET /guilds/:guild_id/members/:user_id"]?.byStatus).toEqual({ "404": 1 });
  });
});
