import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import { subjects } from "@/lib/actions/locks";
import { markTeamRole, markTeamRoleAsAdmin } from "@/lib/teams/mark-team-role";
import { ForeignRoleError, runExclusive, runSaga } from "@/lib/actions/saga";
import { GUILD_ID, ROLE_IDS } from "../../../emulator/fixture";
import { createWorld, ids, rejection, sorted, users, type World } from "../../helpers/teams-world";

let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

/** The manager persona's roles with the moderator role listed before the team's, as Discord may list them. */
const managerRoles = [ids.updatedProfile, ids.teamManager, ids.moderator, ids.lagosLions];

describe("which roles are teams", () => {
  it("never makes a role with permissions a team, so the bot never hands it out nor deletes it", async () => {
    await world.roleCache.writeThrough(users.manager.id, managerRoles);
    // Nothing is marked yet: holding roles the dashboard does not know makes no team.
    expect((await world.service.myTeam(users.manager)).team).toBeNull();
    expect(await world.redis.exists(world.keys.team(ids.moderator))).toBe(0);
    expect(await rejection(world.service.requestToJoin(users.freeagent, ids.moderator))).toMatchObject({ status: 404 });

    await world.seedDemoTeams();
    const view = await world.service.myTeam(users.manager);
    expect(view.team).toMatchObject({ id: ids.lagosLions, name: "Lagos Lions", managerId: users.manager.id });

    await world.service.requestToJoin(users.freeagent, ids.lagosLions);
    expect((await world.service.approveRequest(users.manager, ids.lagosLions, users.freeagent.id)).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent.id)).toEqual(sorted([ids.updatedProfile, ids.player, ids.lagosLions]));

    expect((await world.service.disbandTeam(users.manager, ids.lagosLions)).applied).toBe(true);
    expect(await world.guildRoleNames()).toContain("Moderator");
    expect(await world.guildRoleNames()).not.toContain("Lagos Lions");
    expect(await world.rolesOf(users.manager.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent, ids.moderator]));
  });

  it("lets a tournament admin mark only a role that grants nothing, is no integration's, and sits below the bot", async () => {
    const refused: [string, string][] = [
      ["a role with the Administrator permission", ids.moderator],
      ["the bot's own (managed) role", ROLE_IDS.bot],
      ["@everyone", GUILD_ID],
      ["one of the dashboard's roles", ids.teamManager],
      ["a role that does not exist", "1100000000000999999"],
    ];
    for (const [what, roleId] of refused) {
      const error = await rejection(markTeamRoleAsAdmin(world.context, users.admin, roleId));
      expect(error.status, `${what}: ${error.message}`).toBe(409);
    }
    expect(await world.redis.hlen(world.keys.markedTeamRoles)).toBe(0);

    expect(await markTeamRoleAsAdmin(world.context, users.admin, ids.lagosLions)).toMatchObject({ applied: true, teamId: ids.lagosLions });
    expect((await markTeamRoleAsAdmin(world.context, users.admin, ids.lagosLions)).applied).toBe(false);
    const [entry] = await readAudit(world.redis, world.keys.audit, 1);
    expect(entry).toMatchObject({ action: "team.mark", actorId: users.admin.id, teamId: ids.lagosLions });
  });

  it("answers anyone but a tournament admin as if marking did not exist", async () => {
    for (const user of [users.manager, users.freeagent]) {
      expect(await rejection(markTeamRoleAsAdmin(world.context, user, ids.lagosLions))).toMatchObject({ status: 404 });
    }
    expect(await world.redis.hlen(world.keys.markedTeamRoles)).toBe(0);
  });

  it("refuses a role at or above the bot's own", async () => {
    const botless = world.process((guild) => ({ ...guild, getBotRoles: async () => [] }));
    const error = await rejection(markTeamRole(botless.context, { id: users.admin.id, name: "Admin" }, ids.lagosLions));
    expect(error.message).toMatch(/above the bot/);
  });

  it("judges a marked role again when its holders show up (it may have gained a permission)", async () => {
    await world.seedDemoTeams();
    await world.redis.del(world.keys.guildRoles);
    const strengthened = world.process((guild) => ({
      ...guild,
      listRoles: async () => (await guild.listRoles()).map((role) => (role.id === ids.lagosLions ? { ...role, permissions: "8" } : role)),
    }));
    await world.roleCache.writeThrough(users.manager.id, managerRoles);
    expect((await strengthened.service.myTeam(users.manager)).team).toBeNull();
    expect(await world.redis.exists(world.keys.team(ids.lagosLions))).toBe(0);
  });

  it("neither hands out nor deletes a marked team's role that has gained a permission since", async () => {
    await world.seedDemoTeams();
    await world.roleCache.writeThrough(users.manager.id, managerRoles);
    await world.service.myTeam(users.manager);
    await world.service.requestToJoin(users.freeagent, ids.lagosLions);
    await world.redis.del(world.keys.guildRoles);
    const strengthened = world.process((guild) => ({
      ...guild,
      listRoles: async () => (await guild.listRoles()).map((role) => (role.id === ids.lagosLions ? { ...role, permissions: "8" } : role)),
    }));
    expect(await rejection(strengthened.service.approveRequest(users.manager, ids.lagosLions, users.freeagent.id))).toMatchObject({ status: 409, code: "unsafe_team_role" });
    expect(await rejection(strengthened.service.disbandTeam(users.manager, ids.lagosLions))).toMatchObject({ status: 409, code: "unsafe_team_role" });
    expect(await world.rolesOf(users.freeagent.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect(await world.guildRoleNames()).toContain("Lagos Lions");
  });
});

describe("the saga's role guard", () => {
  it("refuses to give, take or delete a role that is not the dashboard's or a team's, before any Discord call", async () => {
    const before = await world.snapshot();
    const plans = [
      { kind: "add-role" as const, userId: users.freeagent.id, roleId: ids.moderator },
      { kind: "add-role" as const, userId: users.freeagent.id, roleId: ids.tournamentAdmin },
      { kind: "remove-role" as const, userId: users.manager.id, roleId: ids.moderator },
      { kind: "delete-role" as const, roleId: ids.moderator },
      { kind: "delete-role" as const, roleId: ids.player },
    ];
    for (const step of plans) {
      const attempt = runExclusive(world.context, [subjects.user(users.freeagent.id)], (held) =>
        runSaga(world.context, held, {
          settlement: "undo",
          subjects: held.subjects,
          steps: [{ kind: "add-role", userId: users.freeagent.id, roleId: ids.player }, step],
          commit: { kind: "leave", teamId: ids.lagosLions, userId: users.freeagent.id },
          audit: { actorId: users.admin.id, actorName: "Admin", action: "team.remove", teamId: null, teamName: null, targetId: null, detail: null },
        }),
      );
      await expect(attempt).rejects.toBeInstanceOf(ForeignRoleError);
    }
    expect(await world.snapshot()).toEqual(before);
  });
});
