import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { GuildUnavailableError, type GuildPort } from "@/lib/actions/guild-port";
import { subjects } from "@/lib/actions/locks";
import { createWorld, ids, sorted, users, type World } from "../../helpers/teams-world";

const memberRoleRoutes = {
  add: "PUT /guilds/:guild_id/members/:user_id/roles/:role_id",
  remove: "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id",
};
/** One attempt plus the REST client's three retries of an idempotent call. */
const failEveryAttempt = 4;

let world: World;

beforeEach(async () => {
  world = await createWorld({ rosterMax: 3 });
});

afterEach(async () => {
  await world.close();
});

async function outcome(promise: Promise<{ applied: boolean }>): Promise<"applied" | "unchanged" | ApiError> {
  try {
    return (await promise).applied ? "applied" : "unchanged";
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

/** A team of two (manager freeagent, player freeagent2) with a roster cap of three. */
async function teamOfTwo(): Promise<string> {
  const created = await world.service.createTeam(users.freeagent, { name: "Accra Hearts", tag: "AH" });
  const teamId = created.teamId ?? "";
  await world.service.requestToJoin(users.freeagent2, teamId);
  await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
  return teamId;
}

describe("the last roster slot", () => {
  it("goes to exactly one of two approvals racing from two processes", async () => {
    const teamId = await teamOfTwo();
    const latecomer = await world.newMember("latecomer", [ids.updatedProfile, ids.freeAgent]);
    await world.service.requestToJoin(users.freeagent3, teamId);
    await world.service.requestToJoin(latecomer, teamId);
    const other = world.process();

    const results = await Promise.all([
      outcome(world.service.approveRequest(users.freeagent, teamId, users.freeagent3.id)),
      outcome(other.service.approveRequest(users.admin, teamId, latecomer.id)),
    ]);
    expect(results.filter((result) => result === "applied")).toHaveLength(1);
    const loser = results.find((result) => result instanceof ApiError);
    expect(loser).toMatchObject({ status: 409, code: "full" });

    const holders = [(await world.rolesOf(users.freeagent3.id)).includes(teamId), (await world.rolesOf(latecomer.id)).includes(teamId)];
    expect(holders.filter(Boolean)).toHaveLength(1);
    expect(await world.redis.zcard(world.keys.members(teamId))).toBe(3);
    expect((await world.service.listTeams(users.freeagent3)).teams[0]).toMatchObject({ rosterSize: 3, open: false });
  });

  it("refuses a request to a full team", async () => {
    const teamId = await teamOfTwo();
    await world.service.requestToJoin(users.freeagent3, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent3.id);
    const latecomer = await world.newMember("latecomer", [ids.updatedProfile, ids.freeAgent]);
    expect(await outcome(world.service.requestToJoin(latecomer, teamId))).toMatchObject({ status: 409, code: "full" });
  });
});

describe("a failure half-way", () => {
  it("undoes the Discord steps already made when a later one fails", async () => {
    const teamId = await teamOfTwo();
    await world.service.requestToJoin(users.freeagent3, teamId);
    const before = await world.snapshot();
    // Adding the roles works; removing free-agent (the last step) fails every attempt.
    await world.fault(memberRoleRoutes.remove, failEveryAttempt);

    const result = await outcome(world.service.approveRequest(users.freeagent, teamId, users.freeagent3.id));
    expect(result).toMatchObject({ status: 503, code: "discord_unavailable" });
    await world.clearFaults();
    expect(await world.snapshot()).toEqual(before);
    expect(await world.redis.hlen(world.keys.journals)).toBe(0);

    expect(await outcome(world.service.approveRequest(users.freeagent, teamId, users.freeagent3.id))).toBe("applied");
    expect(await world.rolesOf(users.freeagent3.id)).toEqual(sorted([ids.updatedProfile, ids.player, teamId]));
  });

  it("deletes the team role it created when giving it to the creator fails", async () => {
    const before = await world.snapshot();
    await world.fault(memberRoleRoutes.add, failEveryAttempt);
    const result = await outcome(world.service.createTeam(users.freeagent, { name: "Kumasi Kings", tag: "KK" }));
    expect(result).toMatchObject({ status: 503 });
    await world.clearFaults();
    expect(await world.snapshot()).toEqual(before);
    expect(await world.guildRoleNames()).not.toContain("Kumasi Kings");
  });

  it("undoes Discord when the Redis half is refused (the action outlived its lock)", async () => {
    const teamId = await teamOfTwo();
    await world.service.requestToJoin(users.freeagent3, teamId);
    const before = await world.snapshot();
    const racing = world.process((guild, context) => ({
      ...guild,
      async removeRole(userId, roleId) {
        await guild.removeRole(userId, roleId);
        // As if the lease ran out and another process took the team's lock.
        await context.redis.set(context.keys.lock(subjects.team(teamId)), "someone-else");
      },
    }));
    const result = await outcome(racing.service.approveRequest(users.freeagent, teamId, users.freeagent3.id));
    expect(result).toMatchObject({ status: 409, code: "lost_lock" });
    await world.redis.del(world.keys.lock(subjects.team(teamId)));
    expect(await world.snapshot()).toEqual(before);
  });

  it("leaves a journal when even the undo fails, and the retry settles it first", async () => {
    const teamId = await teamOfTwo();
    await world.service.requestToJoin(users.freeagent3, teamId);
    const before = await world.snapshot();
    let discordDown = false;
    const flaky = world.process((guild) => {
      const gate = async <T>(call: () => Promise<T>) => {
        if (discordDown) throw new GuildUnavailableError("Discord is down (test).", 1_000);
        return call();
      };
      const port: GuildPort = {
        getMemberRoles: (userId) => gate(() => guild.getMemberRoles(userId)),
        async addRole(userId, roleId) {
          await gate(() => guild.addRole(userId, roleId));
          // Discord goes down right after the first change.
          discordDown = true;
        },
        removeRole: (userId, roleId) => gate(() => guild.removeRole(userId, roleId)),
        createRole: (name) => gate(() => guild.createRole(name)),
        deleteRole: (roleId) => gate(() => guild.deleteRole(roleId)),
        listRoles: () => gate(() => guild.listRoles()),
        getBotRoles: () => gate(() => guild.getBotRoles()),
      };
      return port;
    });

    expect(await outcome(flaky.service.approveRequest(users.freeagent, teamId, users.freeagent3.id))).toMatchObject({ status: 503 });
    // Half-applied at Discord for now, but recorded.
    expect(await world.rolesOf(users.freeagent3.id)).toContain(teamId);
    expect(await world.redis.hlen(world.keys.journals)).toBe(1);
    expect((await world.service.myTeam(users.freeagent)).team?.pendingChange).toBe(true);

    // The next action on this team (here a decline) first undoes the leftover, then runs.
    discordDown = false;
    expect(await outcome(world.service.declineRequest(users.freeagent, teamId, users.freeagent3.id))).toBe("applied");
    expect(await world.redis.hlen(world.keys.journals)).toBe(0);
    expect(await world.rolesOf(users.freeagent3.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    const after = await world.snapshot();
    expect(after.members).toEqual(before.members);
  });

  it("finishes an interrupted disband on the retry (a deleted role cannot be undone)", async () => {
    const teamId = await teamOfTwo();
    await world.fault("DELETE /guilds/:guild_id/roles/:role_id", 10);
    const result = await outcome(world.service.disbandTeam(users.admin, teamId));
    expect(result).toMatchObject({ status: 503, code: "discord_incomplete" });
    expect(await world.redis.hlen(world.keys.journals)).toBe(1);
    expect((await world.service.allTeams()).map((team) => [team.id, team.pendingChange])).toEqual([[teamId, true]]);

    await world.clearFaults();
    expect(await outcome(world.service.disbandTeam(users.admin, teamId))).toBe("unchanged");
    expect(await world.redis.hlen(world.keys.journals)).toBe(0);
    expect(await world.guildRoleNames()).not.toContain("Accra Hearts");
    for (const user of [users.freeagent, users.freeagent2]) expect(await world.rolesOf(user.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect((await world.service.listTeams(users.freeagent)).teams).toEqual([]);
  });
});

describe("under Discord's real limits", () => {
  it("paces a burst of actions through the shared REST client: no 429, and never the user's own token", async () => {
    await world.close();
    world = await createWorld({ discordLimits: "realistic" });
    const teamId = await teamOfTwo();
    await world.service.requestToJoin(users.freeagent3, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent3.id);
    await world.service.removeMember(users.freeagent, teamId, users.freeagent3.id);
    await world.service.disbandTeam(users.freeagent, teamId);
    const stats = await world.emu.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.routes["GET /users/@me/guilds/:guild_id/member"]?.requests ?? 0).toBe(0);
    expect(stats.routes["GET /guilds/:guild_id/members/:user_id"]?.requests).toBeGreaterThanOrEqual(6);
  }, 90_000);
});
