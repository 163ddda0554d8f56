import { GatewayDispatchEvents, type APIGuildMember, type APIRole } from "discord-api-types/v10";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetContext } from "@/emulator/context";
import { ROLE_IDS } from "@/emulator/fixture";
import { botAuth, guildId, listenOnContext, type ContextServer } from "./context-server";

const newcomer = "1200000000000000002";
const freeagent = "1200000000000000003";
const outsider = "1200000000000000001";
const botUserId = "1300000000000000001";

let emu: ContextServer;

beforeAll(async () => {
  emu = await listenOnContext({ globalLimitPerSecond: 1_000 });
});
afterAll(() => emu.close());
beforeEach(() => {
  resetContext(emu.context);
  emu.takeEvents();
});

const member = async (userId: string) => (await fetch(`${emu.api}/guilds/${guildId}/members/${userId}`, { headers: botAuth })).json() as Promise<APIGuildMember>;

describe("control API: members", () => {
  it("adds 50,000 members with roles at once, one GUILD_MEMBER_ADD each", async () => {
    const created = await emu.controlJson<{ created: number; first_id: string; last_id: string }>("POST", "members/bulk", {
      count: 50_000,
      roles: [ROLE_IDS.freeAgent],
      username_prefix: "bulk_",
    });
    expect(created.created).toBe(50_000);
    expect(BigInt(created.last_id)).toBeGreaterThan(BigInt(created.first_id));
    expect(emu.context.directory.memberCount()).toBe(8 + 50_000);

    const events = emu.takeEvents();
    expect(events).toHaveLength(50_000);
    expect(events.every((event) => event.t === GatewayDispatchEvents.GuildMemberAdd)).toBe(true);
    expect(events[0]).toMatchObject({ d: { guild_id: guildId, user: { id: created.first_id, username: "bulk_1" }, roles: [ROLE_IDS.freeAgent], nick: null } });
    expect(events.at(-1)).toMatchObject({ d: { user: { id: created.last_id, username: "bulk_50000" } } });
    expect(await member(created.last_id)).toMatchObject({ roles: [ROLE_IDS.freeAgent] });

    const more = await emu.controlJson<{ first_id: string }>("POST", "members/bulk", { count: 1, username_prefix: "bulk_" });
    expect(emu.context.directory.findUser(more.first_id)?.username).toBe("bulk_50001");
  });

  it("changes a member's roles as a moderator would, with one GUILD_MEMBER_UPDATE carrying the full list", async () => {
    const changed = await emu.controlJson<{ changed: boolean; roles: string[] }>("POST", `members/${freeagent}/roles`, {
      add: [ROLE_IDS.player, ROLE_IDS.lagosLions],
      remove: [ROLE_IDS.freeAgent],
    });
    expect(changed).toEqual({ changed: true, roles: [ROLE_IDS.updatedProfile, ROLE_IDS.player, ROLE_IDS.lagosLions] });
    const events = emu.takeEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      t: GatewayDispatchEvents.GuildMemberUpdate,
      d: { guild_id: guildId, user: { id: freeagent }, roles: [ROLE_IDS.updatedProfile, ROLE_IDS.player, ROLE_IDS.lagosLions], nick: null, avatar: null, joined_at: expect.any(String) as string, deaf: false, mute: false, pending: false, flags: 0 },
    });

    const set = await emu.controlJson<{ roles: string[] }>("POST", `members/${freeagent}/roles`, { set: [ROLE_IDS.teamManager] });
    expect(set.roles).toEqual([ROLE_IDS.teamManager]);
    expect(emu.takeEvents()).toHaveLength(1);
  });

  it("publishes nothing for a change that changes nothing", async () => {
    const same = await emu.controlJson<{ changed: boolean }>("POST", `members/${freeagent}/roles`, { add: [ROLE_IDS.freeAgent] });
    expect(same.changed).toBe(false);
    expect((await emu.controlJson<{ changed: boolean }>("POST", `members/${freeagent}/nick`, { nick: null })).changed).toBe(false);
    expect((await emu.controlJson<{ joined: boolean }>("PUT", `members/${freeagent}`)).joined).toBe(false);
    expect(emu.takeEvents()).toEqual([]);
  });

  it("sets and clears a nickname, seen by REST and in GUILD_MEMBER_UPDATE", async () => {
    await emu.controlJson("POST", `members/${newcomer}/nick`, { nick: "Newbie" });
    expect((await member(newcomer)).nick).toBe("Newbie");
    await emu.controlJson("POST", `members/${newcomer}/nick`, { nick: null });
    expect(emu.takeEvents().map((event) => [event.t, "nick" in event.d ? event.d.nick : undefined])).toEqual([
      [GatewayDispatchEvents.GuildMemberUpdate, "Newbie"],
      [GatewayDispatchEvents.GuildMemberUpdate, null],
    ]);
  });

  it("publishes GUILD_MEMBER_ADD when a synthetic member is made or a persona accepts the invite", async () => {
    const created = await emu.controlJson<{ id: string }>("POST", "users", { username: "one_more", roles: [ROLE_IDS.player] });
    await emu.controlJson("POST", "users", { username: "not_in_guild", member: false });
    const accepted = await fetch(`${emu.url}/invite/safa`, { method: "POST", body: new URLSearchParams({ user_id: outsider }) });
    expect(accepted.status).toBe(200);
    const events = emu.takeEvents();
    expect(events.map((event) => [event.t, "user" in event.d ? event.d.user.id : undefined])).toEqual([
      [GatewayDispatchEvents.GuildMemberAdd, created.id],
      [GatewayDispatchEvents.GuildMemberAdd, outsider],
    ]);
    expect(events[1]?.d).toMatchObject({ roles: [] });
  });

  it("makes a member leave (GUILD_MEMBER_REMOVE) and join again with no roles (GUILD_MEMBER_ADD)", async () => {
    expect((await emu.control("DELETE", `members/${freeagent}`)).status).toBe(200);
    expect((await fetch(`${emu.api}/guilds/${guildId}/members/${freeagent}`, { headers: botAuth })).status).toBe(404);
    expect((await emu.control("PUT", `members/${freeagent}`)).status).toBe(201);
    expect((await member(freeagent)).roles).toEqual([]);
    const events = emu.takeEvents();
    expect(events.map((event) => event.t)).toEqual([GatewayDispatchEvents.GuildMemberRemove, GatewayDispatchEvents.GuildMemberAdd]);
    expect(events[0]?.d).toEqual({ guild_id: guildId, user: expect.objectContaining({ id: freeagent, username: "freeagent" }) as unknown });
    expect((await emu.control("DELETE", `members/${outsider}`)).status).toBe(404);
  });
});

describe("control API: roles", () => {
  it("creates, edits and deletes a role with GUILD_ROLE_CREATE, UPDATE and DELETE", async () => {
    const created = await emu.controlJson<APIRole>("POST", "roles", { name: "Kano Pillars", color: 0x11_22_33 });
    expect(created).toMatchObject({ name: "Kano Pillars", color: 0x11_22_33, position: 1, permissions: "0", managed: false });
    const edited = await emu.controlJson<APIRole>("PATCH", `roles/${created.id}`, { name: "Kano Pillars FC", mentionable: true });
    expect(edited).toMatchObject({ id: created.id, name: "Kano Pillars FC", mentionable: true, position: 1 });
    expect((await emu.control("DELETE", `roles/${created.id}`)).status).toBe(200);
    expect(emu.context.directory.hasRole(created.id)).toBe(false);

    const events = emu.takeEvents();
    expect(events.map((event) => event.t)).toEqual([GatewayDispatchEvents.GuildRoleCreate, GatewayDispatchEvents.GuildRoleUpdate, GatewayDispatchEvents.GuildRoleDelete]);
    expect(events[0]?.d).toMatchObject({ guild_id: guildId, role: { id: created.id, position: 1 } });
    expect(events[1]?.d).toMatchObject({ guild_id: guildId, role: { id: created.id, name: "Kano Pillars FC" } });
    expect(events[2]?.d).toEqual({ guild_id: guildId, role_id: created.id });
  });

  it("moves the bot's role below others, telling of every role that moved", async () => {
    const moved = await emu.controlJson<APIRole>("PATCH", `roles/${ROLE_IDS.bot}`, { position: 3 });
    expect(moved.position).toBe(3);
    const positions = emu.context.directory.listRoles().map((role) => role.id);
    expect(positions.slice(0, 5)).toEqual([guildId, ROLE_IDS.updatedProfile, ROLE_IDS.freeAgent, ROLE_IDS.bot, ROLE_IDS.player]);
    const events = emu.takeEvents();
    expect(events.every((event) => event.t === GatewayDispatchEvents.GuildRoleUpdate)).toBe(true);
    // The bot's role and the five it jumped below (player .. Moderator) each moved.
    expect(events.map((event) => ("role" in event.d ? [event.d.role.id, event.d.role.position] : []))).toEqual([
      [ROLE_IDS.bot, 3],
      [ROLE_IDS.player, 4],
      [ROLE_IDS.lagosLions, 5],
      [ROLE_IDS.teamManager, 6],
      [ROLE_IDS.tournamentAdmin, 7],
      [ROLE_IDS.moderator, 8],
    ]);
  });

  it("deletes a held role with GUILD_ROLE_DELETE only, as Discord does, and takes it from its holders", async () => {
    await emu.controlJson("DELETE", `roles/${ROLE_IDS.lagosLions}`);
    expect(emu.takeEvents()).toEqual([{ t: GatewayDispatchEvents.GuildRoleDelete, d: { guild_id: guildId, role_id: ROLE_IDS.lagosLions } }]);
    expect((await member("1200000000000000005")).roles).not.toContain(ROLE_IDS.lagosLions);
  });

  it("answers 400 at the 251st role", async () => {
    const toFill = 250 - emu.context.directory.roleCount();
    for (let index = 0; index < toFill; index += 1) await emu.controlJson("POST", "roles", { name: `r${index}` });
    const refused = await emu.control("POST", "roles", { name: "one too many" });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/250/);
  });

  it("publishes nothing on reset", async () => {
    await emu.controlJson("POST", "members/bulk", { count: 3 });
    emu.takeEvents();
    let announced = 0;
    const stop = emu.context.guildEvents.onReset(() => (announced += 1));
    await emu.controlJson("POST", "reset");
    stop();
    expect(emu.takeEvents()).toEqual([]);
    expect(announced).toBe(1);
  });
});

describe("control API: bad input", () => {
  it.each([
    ["POST", "members/bulk", { count: 0 }, /count/],
    ["POST", "members/bulk", { count: 50_001 }, /count/],
    ["POST", "members/bulk", { count: 1, roles: ["1100000000000000999"] }, /roles: no assignable role/],
    ["POST", "members/bulk", { count: 1, roles: [ROLE_IDS.bot] }, /roles: .*managed/],
    ["POST", "members/bulk", { count: 1, username_prefix: "Bad Prefix" }, /username_prefix/],
    ["POST", `members/${freeagent}/roles`, {}, /add, remove, set/],
    ["POST", `members/${freeagent}/roles`, { add: [guildId] }, /add: no assignable role/],
    ["POST", `members/${botUserId}/roles`, { remove: [ROLE_IDS.bot] }, /remove: .*managed/],
    ["POST", `members/${freeagent}/nick`, { nick: "x".repeat(33) }, /nick/],
    ["POST", "roles", { color: -1 }, /color/],
    ["POST", "roles", { permissions: 8 }, /permissions/],
    ["PATCH", `roles/${ROLE_IDS.player}`, { position: 0 }, /position/],
    ["DELETE", `members/${botUserId}`, undefined, /bot/],
    ["DELETE", `roles/${guildId}`, undefined, /@everyone/],
  ])("%s %s %j answers 400 naming the field", async (method, path, body, message) => {
    const response = await emu.control(method, path, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect(emu.takeEvents()).toEqual([]);
  });

  it("answers 404 for an unknown member or role", async () => {
    expect((await emu.control("POST", `members/${outsider}/roles`, { add: [ROLE_IDS.player] })).status).toBe(404);
    expect((await emu.control("PATCH", "roles/1100000000000000999", { name: "x" })).status).toBe(404);
  });
});
