import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetContext } from "@/emulator/context";
import { ROLE_IDS } from "@/emulator/fixture";
import { botAuth, guildId, listenOnContext, type ContextServer } from "./context-server";

const newcomer = "1200000000000000002";
const player = "1200000000000000005";
const botUserId = "1300000000000000001";
const missingPermissions = { message: "Missing Permissions", code: 50013 };
const MANAGE_ROLES = 1n << 28n;

let emu: ContextServer;

beforeAll(async () => {
  const roomy = { count: 1_000, windowSeconds: 1 };
  emu = await listenOnContext({
    globalLimitPerSecond: 1_000,
    routeLimits: {
      "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roomy,
      "POST /guilds/:guild_id/roles": roomy,
      "PATCH /guilds/:guild_id/roles/:role_id": roomy,
      "DELETE /guilds/:guild_id/roles/:role_id": roomy,
    },
  });
});
afterAll(() => emu.close());
beforeEach(() => resetContext(emu.context));

const memberRole = (method: "PUT" | "DELETE", userId: string, roleId: string) =>
  fetch(`${emu.api}/guilds/${guildId}/members/${userId}/roles/${roleId}`, { method, headers: botAuth });
const editRole = (roleId: string, body: unknown) =>
  fetch(`${emu.api}/guilds/${guildId}/roles/${roleId}`, { method: "PATCH", headers: { ...botAuth, "Content-Type": "application/json" }, body: JSON.stringify(body) });
const deleteRole = (roleId: string) => fetch(`${emu.api}/guilds/${guildId}/roles/${roleId}`, { method: "DELETE", headers: botAuth });
const createRole = (body: unknown) =>
  fetch(`${emu.api}/guilds/${guildId}/roles`, { method: "POST", headers: { ...botAuth, "Content-Type": "application/json" }, body: JSON.stringify(body) });

async function expectMissingPermissions(response: Promise<Response>): Promise<void> {
  const answer = await response;
  expect(answer.status).toBe(403);
  expect(await answer.json()).toEqual(missingPermissions);
}

describe("the role hierarchy", () => {
  it("lets the bot touch only roles strictly below its highest role", async () => {
    // SAFA Bot moves from the top to position 3: player and everything above it are now out of reach.
    await emu.controlJson("PATCH", `roles/${ROLE_IDS.bot}`, { position: 3 });
    emu.takeEvents();
    await expectMissingPermissions(memberRole("PUT", newcomer, ROLE_IDS.player));
    await expectMissingPermissions(memberRole("DELETE", player, ROLE_IDS.lagosLions));
    await expectMissingPermissions(editRole(ROLE_IDS.player, { name: "players" }));
    await expectMissingPermissions(deleteRole(ROLE_IDS.moderator));
    expect(emu.takeEvents()).toEqual([]);
    expect(emu.context.directory.memberRoleIds(player)).toContain(ROLE_IDS.lagosLions);

    expect((await memberRole("PUT", newcomer, ROLE_IDS.freeAgent)).status).toBe(204);
    expect((await editRole(ROLE_IDS.updatedProfile, { name: "profile done" })).status).toBe(200);
    expect((await deleteRole(ROLE_IDS.freeAgent)).status).toBe(204);
  });

  it("refuses the bot's own highest role: equal is not below", async () => {
    await expectMissingPermissions(editRole(ROLE_IDS.bot, { name: "renamed" }));
    await expectMissingPermissions(deleteRole(ROLE_IDS.bot));
  });

  it("counts 50013 answers as invalid requests, as Discord counts every 403", async () => {
    await emu.controlJson("PATCH", `roles/${ROLE_IDS.bot}`, { position: 1 });
    await expectMissingPermissions(memberRole("PUT", newcomer, ROLE_IDS.player));
    expect(emu.context.invalidRequests.total()).toBe(1);
  });
});

describe("MANAGE_ROLES", () => {
  it("refuses every role change when no role of the bot grants it", async () => {
    await emu.controlJson("PATCH", `roles/${ROLE_IDS.bot}`, { permissions: "0" });
    await expectMissingPermissions(memberRole("PUT", newcomer, ROLE_IDS.freeAgent));
    await expectMissingPermissions(createRole({ name: "Abuja Eagles", permissions: "0" }));
    await expectMissingPermissions(editRole(ROLE_IDS.player, { color: 1 }));
    await expectMissingPermissions(deleteRole(ROLE_IDS.player));
    expect(emu.context.directory.memberRoleIds(newcomer)).toEqual([]);
  });

  it("counts @everyone's permissions too", async () => {
    await emu.controlJson("PATCH", `roles/${ROLE_IDS.bot}`, { permissions: "0" });
    const everyone = BigInt(emu.context.directory.getRole(guildId)?.permissions ?? "0");
    await emu.controlJson("PATCH", `roles/${guildId}`, { permissions: String(everyone | MANAGE_ROLES) });
    expect((await memberRole("PUT", newcomer, ROLE_IDS.freeAgent)).status).toBe(204);
  });

  it("accepts ADMINISTRATOR from any role of the bot instead", async () => {
    await emu.controlJson("PATCH", `roles/${ROLE_IDS.bot}`, { permissions: "0" });
    await emu.controlJson("POST", `members/${botUserId}/roles`, { add: [ROLE_IDS.moderator] });
    expect((await memberRole("PUT", newcomer, ROLE_IDS.freeAgent)).status).toBe(204);
  });

  it("refuses a new or edited role that grants a permission the bot lacks", async () => {
    await expectMissingPermissions(createRole({ name: "Admins", permissions: "8" }));
    await expectMissingPermissions(editRole(ROLE_IDS.player, { permissions: "8" }));
    expect((await createRole({ name: "Team", permissions: "0" })).status).toBe(200);
  });
});

describe("managed roles", () => {
  it("cannot be given or taken even below the bot's highest role", async () => {
    // The bot holds Moderator, above its own managed role once that moves down: only `managed` stops it now.
    await emu.controlJson("POST", `members/${botUserId}/roles`, { add: [ROLE_IDS.moderator] });
    await emu.controlJson("PATCH", `roles/${ROLE_IDS.bot}`, { position: 2 });
    await expectMissingPermissions(memberRole("PUT", newcomer, ROLE_IDS.bot));
    await expectMissingPermissions(memberRole("DELETE", botUserId, ROLE_IDS.bot));
    await expectMissingPermissions(deleteRole(ROLE_IDS.bot));
    expect(emu.context.directory.memberRoleIds(botUserId)).toContain(ROLE_IDS.bot);
    expect((await memberRole("PUT", newcomer, ROLE_IDS.player)).status).toBe(204);
  });
});
