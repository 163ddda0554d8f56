import { GatewayDispatchEvents, type APIRole } from "discord-api-types/v10";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetContext } from "@/emulator/context";
import { ROLE_IDS } from "@/emulator/fixture";
import { botAuth, guildId, listenOnContext, type ContextServer } from "./context-server";

const newcomer = "1200000000000000002";
const freeagent = "1200000000000000003";

let emu: ContextServer;

beforeAll(async () => {
  const roomy = { count: 1_000, windowSeconds: 1 };
  emu = await listenOnContext({
    globalLimitPerSecond: 1_000,
    routeLimits: { "POST /guilds/:guild_id/roles": roomy, "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roomy },
  });
});
afterAll(() => emu.close());
beforeEach(() => {
  resetContext(emu.context);
  emu.takeEvents();
});

const json = { ...botAuth, "Content-Type": "application/json" };
const roleUrl = (roleId: string) => `${emu.api}/guilds/${guildId}/roles/${roleId}`;
const memberRoleUrl = (userId: string, roleId: string) => `${emu.api}/guilds/${guildId}/members/${userId}/roles/${roleId}`;

describe("Get Guild Role and Modify Guild Role", () => {
  it("reads one role with its position, and 10011 for an unknown one", async () => {
    const response = await fetch(roleUrl(ROLE_IDS.player), { headers: botAuth });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: ROLE_IDS.player, name: "player", position: 3, managed: false });
    expect(response.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
    const unknown = await fetch(roleUrl("1100000000000000999"), { headers: botAuth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: "Unknown Role", code: 10011 });
  });

  it("edits name, color, hoist, mentionable and permissions, answers the role and publishes GUILD_ROLE_UPDATE", async () => {
    const response = await fetch(roleUrl(ROLE_IDS.lagosLions), {
      method: "PATCH",
      headers: json,
      body: JSON.stringify({ name: "Lagos Lions FC", color: 0x12_34_56, hoist: true, mentionable: false, permissions: "0" }),
    });
    expect(response.status).toBe(200);
    const role = (await response.json()) as APIRole;
    expect(role).toMatchObject({ id: ROLE_IDS.lagosLions, name: "Lagos Lions FC", color: 0x12_34_56, hoist: true, mentionable: false, position: 4 });
    expect(role.colors.primary_color).toBe(0x12_34_56);
    expect(emu.takeEvents()).toEqual([{ t: GatewayDispatchEvents.GuildRoleUpdate, d: { guild_id: guildId, role } }]);
    expect(await (await fetch(roleUrl(ROLE_IDS.lagosLions), { headers: botAuth })).json()).toEqual(role);
  });

  it("rejects a bad body with Discord's form errors and changes nothing", async () => {
    const response = await fetch(roleUrl(ROLE_IDS.player), { method: "PATCH", headers: json, body: JSON.stringify({ name: "x".repeat(101) }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 50035, errors: { name: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
    const unknown = await fetch(roleUrl("1100000000000000999"), { method: "PATCH", headers: json, body: "{}" });
    expect(await unknown.json()).toEqual({ message: "Unknown Role", code: 10011 });
    expect(emu.takeEvents()).toEqual([]);
  });

  it("has buckets of its own, per guild", async () => {
    const read = await fetch(roleUrl(ROLE_IDS.player), { headers: botAuth });
    const edit = await fetch(roleUrl(ROLE_IDS.player), { method: "PATCH", headers: json, body: "{}" });
    const list = await fetch(`${emu.api}/guilds/${guildId}/roles`, { headers: botAuth });
    const hashes = [read, edit, list].map((response) => response.headers.get("x-ratelimit-bucket"));
    expect(new Set(hashes).size).toBe(3);
    expect(edit.headers.get("x-ratelimit-limit")).toBe("5");
  });
});

describe("the 250-role cap", () => {
  it("answers 400 code 30005 to the 251st role and creates nothing", async () => {
    while (emu.context.directory.roleCount() < 250) emu.context.directory.createRole({ name: "filler", color: 0, hoist: false, mentionable: false, permissions: "0" });
    emu.takeEvents();
    const response = await fetch(`${emu.api}/guilds/${guildId}/roles`, { method: "POST", headers: json, body: JSON.stringify({ name: "one too many", permissions: "0" }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: "Maximum number of guild roles reached (250)", code: 30005 });
    expect(emu.context.directory.roleCount()).toBe(250);
    expect(emu.takeEvents()).toEqual([]);
  });
});

describe("REST changes publish their Gateway events", () => {
  it("adding and removing a member role: one GUILD_MEMBER_UPDATE each with the full list, none for a no-op", async () => {
    expect((await fetch(memberRoleUrl(freeagent, ROLE_IDS.player), { method: "PUT", headers: botAuth })).status).toBe(204);
    expect((await fetch(memberRoleUrl(freeagent, ROLE_IDS.player), { method: "PUT", headers: botAuth })).status).toBe(204);
    expect((await fetch(memberRoleUrl(freeagent, ROLE_IDS.freeAgent), { method: "DELETE", headers: botAuth })).status).toBe(204);
    expect((await fetch(memberRoleUrl(newcomer, ROLE_IDS.freeAgent), { method: "DELETE", headers: botAuth })).status).toBe(204);
    const events = emu.takeEvents();
    expect(events.map((event) => [event.t, "roles" in event.d ? event.d.roles : undefined])).toEqual([
      [GatewayDispatchEvents.GuildMemberUpdate, [ROLE_IDS.updatedProfile, ROLE_IDS.freeAgent, ROLE_IDS.player]],
      [GatewayDispatchEvents.GuildMemberUpdate, [ROLE_IDS.updatedProfile, ROLE_IDS.player]],
    ]);
    expect(events[0]?.d).toMatchObject({ guild_id: guildId, user: { id: freeagent, username: "freeagent" }, nick: null, joined_at: expect.any(String) as string });
  });

  it("creating, editing and deleting a role: GUILD_ROLE_CREATE, UPDATE and DELETE in order", async () => {
    const created = (await (await fetch(`${emu.api}/guilds/${guildId}/roles`, { method: "POST", headers: json, body: JSON.stringify({ name: "Abuja Eagles", permissions: "0" }) })).json()) as APIRole;
    await fetch(roleUrl(created.id), { method: "PATCH", headers: json, body: JSON.stringify({ mentionable: true }) });
    await fetch(roleUrl(created.id), { method: "DELETE", headers: botAuth });
    const events = emu.takeEvents();
    expect(events.map((event) => event.t)).toEqual([GatewayDispatchEvents.GuildRoleCreate, GatewayDispatchEvents.GuildRoleUpdate, GatewayDispatchEvents.GuildRoleDelete]);
    expect(events[0]?.d).toEqual({ guild_id: guildId, role: created });
    expect(events[1]?.d).toEqual({ guild_id: guildId, role: { ...created, mentionable: true } });
    expect(events[2]?.d).toEqual({ guild_id: guildId, role_id: created.id });
  });

  it("a refused or rate-limited request publishes nothing", async () => {
    await fetch(roleUrl(ROLE_IDS.bot), { method: "PATCH", headers: json, body: JSON.stringify({ name: "mine" }) });
    await fetch(memberRoleUrl(newcomer, "1100000000000000999"), { method: "PUT", headers: botAuth });
    // Five deletes of unknown roles spend the bucket (5 per 5 s); the sixth, of a real role, is a 429.
    for (let i = 0; i < 5; i += 1) expect((await fetch(roleUrl(`110000000000000099${i}`), { method: "DELETE", headers: botAuth })).status).toBe(404);
    expect((await fetch(roleUrl(ROLE_IDS.player), { method: "DELETE", headers: botAuth })).status).toBe(429);
    expect(emu.context.directory.hasRole(ROLE_IDS.player)).toBe(true);
    expect(emu.takeEvents()).toEqual([]);
  });
});
