import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import { saveProfile } from "@/lib/profile/save-profile";
import { createProfileStore } from "@/lib/profile/store";
import { createWorld, ids, rejection, sorted, users, type World } from "../../helpers/teams-world";

const profile = { gamerTag: "Newbie_10", platform: "pc", eaFcId: "newbie10", country: "NG", position: "MID" } as const;

let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

async function createTeam(name = "Cape Town Cobras", tag = "CTC") {
  const result = await world.service.createTeam(users.freeagent, { name, tag });
  if (result.teamId === null) throw new Error("no team id");
  return result.teamId;
}

describe("profile", () => {
  it("stores the profile, gives updated-profile and free-agent, and writes the roles through", async () => {
    const result = await saveProfile(world.context, users.newcomer, profile);
    expect(result.applied).toBe(true);
    expect(await world.rolesOf(users.newcomer.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    const stored = await createProfileStore(world.redis, world.keys).get(users.newcomer.id);
    expect(stored).toMatchObject(profile);
    expect(sorted((await world.roleCache.cached(users.newcomer.id))?.roles ?? [])).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    const [entry] = await readAudit(world.redis, world.keys.audit, 5);
    expect(entry).toMatchObject({ action: "profile.save", actorId: users.newcomer.id });
  });

  it("applies a repeated save once", async () => {
    await saveProfile(world.context, users.newcomer, profile);
    const after = await world.snapshot();
    expect((await saveProfile(world.context, users.newcomer, profile)).applied).toBe(false);
    expect(await world.snapshot()).toEqual(after);
    expect((await saveProfile(world.context, users.newcomer, { ...profile, position: "GK" })).applied).toBe(true);
  });

  it("does not make a team's player a free agent when they edit their profile", async () => {
    await saveProfile(world.context, users.player, profile);
    expect(await world.rolesOf(users.player.id)).toEqual(sorted([ids.updatedProfile, ids.player, ids.lagosLions]));
  });

  it("refuses someone who is not in the server", async () => {
    const error = await rejection(saveProfile(world.context, users.outsider, profile));
    expect(error.status).toBe(403);
  });
});

describe("the team lifecycle", () => {
  it("creates a team with its own Discord role and makes the creator its manager", async () => {
    const teamId = await createTeam();
    expect(await world.guildRoleNames()).toContain("Cape Town Cobras");
    expect(await world.rolesOf(users.freeagent.id)).toEqual(sorted([ids.updatedProfile, ids.teamManager, teamId]));
    const mine = await world.service.myTeam(users.freeagent);
    expect(mine.team).toMatchObject({ id: teamId, name: "Cape Town Cobras", tag: "CTC", managerId: users.freeagent.id });
    expect(mine.canManage).toBe(true);
    const list = await world.service.listTeams(users.freeagent2);
    expect(list.teams).toEqual([expect.objectContaining({ id: teamId, managerName: "Free Agent", rosterSize: 1, open: true, requested: false })]);
  });

  it("keeps names unique regardless of case and spacing", async () => {
    await createTeam();
    const error = await rejection(world.service.createTeam(users.freeagent2, { name: "cape town COBRAS", tag: "XX" }));
    expect(error.status).toBe(409);
    expect(error.extra.field).toBe("name");
  });

  it("runs request, approve, leave, and disband with Discord and Redis in step", async () => {
    const teamId = await createTeam();
    expect((await world.service.requestToJoin(users.freeagent2, teamId)).applied).toBe(true);
    expect((await world.service.listTeams(users.freeagent2)).teams[0]?.requested).toBe(true);
    const requests = (await world.service.myTeam(users.freeagent)).team?.requests ?? [];
    expect(requests.map((request) => request.userId)).toEqual([users.freeagent2.id]);

    expect((await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id)).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.player, teamId]));
    // Written through: the next page load shows the player view without asking Discord with the user's token.
    expect(sorted((await world.roleCache.cached(users.freeagent2.id))?.roles ?? [])).toEqual(sorted([ids.updatedProfile, ids.player, teamId]));
    expect((await world.service.myTeam(users.freeagent2)).team?.roster.map((entry) => entry.userId)).toEqual([users.freeagent.id, users.freeagent2.id]);

    expect((await world.service.removeMember(users.freeagent2, teamId, users.freeagent2.id)).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));

    expect((await world.service.disbandTeam(users.admin, teamId)).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect(await world.guildRoleNames()).not.toContain("Cape Town Cobras");
    expect((await world.service.listTeams(users.freeagent)).teams).toEqual([]);
    expect(sorted((await world.roleCache.cached(users.freeagent.id))?.roles ?? [])).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));

    const actions = (await readAudit(world.redis, world.keys.audit, 20)).map((entry) => entry.action).reverse();
    expect(actions).toEqual(["team.create", "team.request", "team.approve", "team.leave", "team.disband"]);
  });

  it("declines, withdraws, removes and hands over management", async () => {
    const teamId = await createTeam();
    await world.service.requestToJoin(users.freeagent2, teamId);
    expect((await world.service.declineRequest(users.freeagent, teamId, users.freeagent2.id)).applied).toBe(true);
    expect((await world.service.listTeams(users.freeagent2)).myRequests).toBe(0);

    await world.service.requestToJoin(users.freeagent3, teamId);
    expect((await world.service.withdrawRequest(users.freeagent3, teamId)).applied).toBe(true);

    await world.service.requestToJoin(users.freeagent2, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
    expect((await world.service.transferManager(users.freeagent, teamId, users.freeagent2.id)).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.teamManager, teamId]));
    expect(await world.rolesOf(users.freeagent.id)).toEqual(sorted([ids.updatedProfile, ids.player, teamId]));

    expect((await world.service.removeMember(users.freeagent2, teamId, users.freeagent.id)).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
  });

  it("adopts the fixture's Lagos Lions from Discord roles when its members show up", async () => {
    await world.seedDemoTeams();
    await world.roleCache.writeThrough(users.manager.id, [ids.updatedProfile, ids.teamManager, ids.lagosLions]);
    await world.roleCache.writeThrough(users.player.id, [ids.updatedProfile, ids.player, ids.lagosLions]);
    const managerView = await world.service.myTeam(users.manager);
    expect(managerView.team).toMatchObject({ id: ids.lagosLions, name: "Lagos Lions", tag: "LL", managerId: users.manager.id });
    const playerView = await world.service.myTeam(users.player);
    expect(playerView.team?.roster.map((entry) => [entry.userId, entry.role])).toEqual([
      [users.manager.id, "manager"],
      [users.player.id, "player"],
    ]);
    expect(playerView.canManage).toBe(false);
    // The adopted team is managed like any other.
    expect((await world.service.removeMember(users.manager, ids.lagosLions, users.player.id)).applied).toBe(true);
    expect(await world.rolesOf(users.player.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
  });
});

describe("a role an action is handing out", () => {
  it("is left to that action: a holder's page does not put them on the roster while an approval holds them, so its commit is not refused", async () => {
    const teamId = await createTeam();
    await world.service.requestToJoin(users.freeagent2, teamId);
    // The approval's Discord step has given the team role; its commit has not run yet, and it holds the player's lock.
    await world.roleCache.writeThrough(users.freeagent2.id, [ids.updatedProfile, ids.player, teamId]);
    const lock = world.keys.lock(`user:${users.freeagent2.id}`);
    await world.redis.set(lock, "an approval in flight", "PX", 10_000);
    expect((await world.service.myTeam(users.freeagent2)).team).toBeNull();
    expect(await world.redis.hget(world.keys.userTeam, users.freeagent2.id)).toBeNull();
    // Once no action holds them, a holder the records do not list is adopted as before.
    await world.redis.del(lock);
    expect((await world.service.myTeam(users.freeagent2)).team?.id).toBe(teamId);
  });
});

describe("authorization", () => {
  it("refuses every team action to users without the right, changing nothing", async () => {
    const teamId = await createTeam();
    await world.service.requestToJoin(users.freeagent2, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
    await world.service.requestToJoin(users.freeagent3, teamId);
    await world.seedDemoTeams();
    await world.roleCache.writeThrough(users.manager.id, [ids.updatedProfile, ids.teamManager, ids.lagosLions]);
    await world.service.myTeam(users.manager);
    const before = await world.snapshot();

    const { service } = world;
    const attempts: [string, () => Promise<unknown>, number[]][] = [
      // A free agent with no team.
      ["outsider approves", () => service.approveRequest(users.freeagent3, teamId, users.freeagent3.id), [403]],
      ["free agent declines", () => service.declineRequest(users.freeagent3, teamId, users.freeagent3.id), [403]],
      ["free agent removes", () => service.removeMember(users.freeagent3, teamId, users.freeagent2.id), [403]],
      ["free agent hands over", () => service.transferManager(users.freeagent3, teamId, users.freeagent3.id), [403]],
      ["free agent disbands", () => service.disbandTeam(users.freeagent3, teamId), [403]],
      // A player of the team.
      ["player approves", () => service.approveRequest(users.freeagent2, teamId, users.freeagent3.id), [403]],
      ["player removes the manager", () => service.removeMember(users.freeagent2, teamId, users.freeagent.id), [403]],
      ["player takes over", () => service.transferManager(users.freeagent2, teamId, users.freeagent2.id), [403]],
      ["player disbands", () => service.disbandTeam(users.freeagent2, teamId), [403]],
      // The manager of another team.
      ["other manager approves", () => service.approveRequest(users.manager, teamId, users.freeagent3.id), [403]],
      ["other manager declines", () => service.declineRequest(users.manager, teamId, users.freeagent3.id), [403]],
      ["other manager removes", () => service.removeMember(users.manager, teamId, users.freeagent2.id), [403]],
      ["other manager disbands", () => service.disbandTeam(users.manager, teamId), [403]],
      // The team's manager acting on a team that is not theirs, or that does not exist.
      ["manager disbands Lagos Lions", () => service.disbandTeam(users.freeagent, ids.lagosLions), [403]],
      ["manager acts on a missing team", () => service.disbandTeam(users.freeagent, "1100000000000999999"), [404]],
      // Users who may not create or join teams.
      ["newcomer creates a team", () => service.createTeam(users.newcomer, { name: "No Profile FC", tag: "NP" }), [403]],
      ["newcomer asks to join", () => service.requestToJoin(users.newcomer, teamId), [403]],
      ["outsider creates a team", () => service.createTeam(users.outsider, { name: "Ghosts", tag: "GH" }), [403]],
      ["player creates a second team", () => service.createTeam(users.freeagent2, { name: "Second Team", tag: "ST" }), [409]],
      ["manager asks to join another team", () => service.requestToJoin(users.manager, teamId), [409]],
      ["manager leaves without handing over", () => service.removeMember(users.freeagent, teamId, users.freeagent.id), [409]],
    ];
    for (const [what, attempt, statuses] of attempts) {
      const error = await rejection(attempt());
      expect(statuses, `${what}: ${error.status} ${error.message}`).toContain(error.status);
    }
    expect(await world.snapshot()).toEqual(before);
  });

  it("lets a tournament admin act on any team", async () => {
    const teamId = await createTeam();
    await world.service.requestToJoin(users.freeagent2, teamId);
    expect((await world.service.approveRequest(users.admin, teamId, users.freeagent2.id)).applied).toBe(true);
    expect((await world.service.removeMember(users.admin, teamId, users.freeagent2.id)).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
  });
});

describe("idempotency", () => {
  it("answers a repeated action with applied: false and changes nothing more", async () => {
    const teamId = await createTeam();
    expect((await world.service.createTeam(users.freeagent, { name: "Cape Town Cobras", tag: "CTC" })).applied).toBe(false);
    expect((await world.guildRoleNames()).filter((name) => name === "Cape Town Cobras")).toHaveLength(1);

    await world.service.requestToJoin(users.freeagent2, teamId);
    expect((await world.service.requestToJoin(users.freeagent2, teamId)).applied).toBe(false);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
    const afterApprove = await world.snapshot();
    expect((await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id)).applied).toBe(false);
    expect(await world.snapshot()).toEqual(afterApprove);

    await world.service.removeMember(users.freeagent2, teamId, users.freeagent2.id);
    expect((await world.service.removeMember(users.freeagent2, teamId, users.freeagent2.id)).applied).toBe(false);
    await world.service.disbandTeam(users.freeagent, teamId);
    expect((await world.service.disbandTeam(users.freeagent, teamId)).applied).toBe(false);
  });

  it("applies a double click once", async () => {
    const results = await Promise.allSettled([
      world.service.createTeam(users.freeagent, { name: "Double Click", tag: "DC" }),
      world.service.createTeam(users.freeagent, { name: "Double Click", tag: "DC" }),
    ]);
    const applied = results.filter((result) => result.status === "fulfilled" && result.value.applied);
    expect(applied).toHaveLength(1);
    expect((await world.guildRoleNames()).filter((name) => name === "Double Click")).toHaveLength(1);
    const teamId = (await world.service.myTeam(users.freeagent)).team?.id ?? "";
    await world.service.requestToJoin(users.freeagent2, teamId);
    const approvals = await Promise.allSettled([
      world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id),
      world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id),
    ]);
    expect(approvals.filter((result) => result.status === "fulfilled" && result.value.applied)).toHaveLength(1);
    expect(approvals.every((result) => result.status === "fulfilled")).toBe(true);
  });
});
