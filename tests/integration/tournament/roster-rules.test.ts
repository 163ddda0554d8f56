import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GuildPort } from "@/lib/actions/guild-port";
import { readAudit } from "@/lib/audit/log";
import { approveRequest, removeMember } from "@/lib/teams";
import { leaveTeam } from "@/lib/teams/leave-team";
import { changeWindow, lockRoster, setSeason, transferStatus } from "@/lib/tournament";
import { checkProductRecords } from "../../../scripts/records/product-records";
import { guildId } from "../../helpers/harness";
import { createWorld, ids, rejection, sorted, users, type World } from "../../helpers/teams-world";

/**
 * The transfer rules on every roster action (approve, leave, remove): the
 * window, the locks, the season's change limit, and a tournament admin's
 * override with its reason in the audit log. A refusal changes nothing,
 * neither on Discord nor in Redis.
 */

let world: World;
const minute = 60_000;
const admin = users.admin;
const manager = users.freeagent;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

async function teamWithRequests(...players: { id: string; name: string }[]): Promise<string> {
  const created = await world.service.createTeam(manager, { name: "Cape Town Cobras", tag: "CTC" });
  if (created.teamId === null) throw new Error("no team id");
  for (const player of players) await world.service.requestToJoin(player, created.teamId);
  return created.teamId;
}

async function refusedUnchanged(action: () => Promise<unknown>, code: string): Promise<string> {
  const before = await world.snapshot();
  const error = await rejection(action());
  expect(error.code).toBe(code);
  expect(await world.snapshot()).toEqual(before);
  return error.message;
}

async function lastAudit() {
  return (await readAudit(world.redis, world.keys.audit, 1))[0];
}

describe("the window and the locks", () => {
  it("refuse approving, leaving and removing while closed, saying until when, and allow them once open", async () => {
    const teamId = await teamWithRequests(users.freeagent2, users.freeagent3);
    await approveRequest(world.context, manager, teamId, users.freeagent2.id);
    await changeWindow(world.context, admin, { change: "close" });

    expect(await refusedUnchanged(() => approveRequest(world.context, manager, teamId, users.freeagent3.id), "window_closed")).toMatch(/closed until a tournament admin opens it, so joining a team/);
    expect(await refusedUnchanged(() => leaveTeam(world.context, users.freeagent2, teamId), "window_closed")).toMatch(/leaving a team must wait/);
    expect(await refusedUnchanged(() => removeMember(world.context, manager, teamId, users.freeagent2.id), "window_closed")).toMatch(/removing a player must wait/);

    await changeWindow(world.context, admin, { change: "open" });
    expect((await approveRequest(world.context, manager, teamId, users.freeagent3.id)).applied).toBe(true);
    expect((await leaveTeam(world.context, users.freeagent2, teamId)).applied).toBe(true);
  });

  it("refuse them while the team's roster, or every roster, is locked, and let other teams' moves through", async () => {
    const teamId = await teamWithRequests(users.freeagent2, users.freeagent3);
    await approveRequest(world.context, manager, teamId, users.freeagent2.id);
    await lockRoster(world.context, admin, { teamId, until: Date.now() + 30 * minute, reason: "match day" });

    expect(await refusedUnchanged(() => approveRequest(world.context, manager, teamId, users.freeagent3.id), "roster_locked")).toMatch(/^This team's roster is locked until .+ \(match day\)/);
    expect(await refusedUnchanged(() => leaveTeam(world.context, users.freeagent2, teamId), "roster_locked")).toBeTruthy();
    await lockRoster(world.context, admin, { reason: "cup final" });
    expect(await refusedUnchanged(() => removeMember(world.context, manager, teamId, users.freeagent2.id), "roster_locked")).toMatch(/^All rosters are locked/);
  });

  it("leave asking to join, creating a team, handing over management and disbanding open while closed", async () => {
    await changeWindow(world.context, admin, { change: "close" });
    const teamId = await teamWithRequests(users.freeagent2);
    expect((await world.service.listTeams(users.freeagent2)).teams[0]?.requested).toBe(true);
    await changeWindow(world.context, admin, { change: "open" });
    await approveRequest(world.context, manager, teamId, users.freeagent2.id);
    await changeWindow(world.context, admin, { change: "close" });
    await lockRoster(world.context, admin, { reason: "match day" });
    expect((await world.service.transferManager(manager, teamId, users.freeagent2.id)).applied).toBe(true);
    expect((await world.service.disbandTeam(users.freeagent2, teamId)).applied).toBe(true);
  });
});

describe("the commit's own judgement", () => {
  /** A process whose first role change runs `meanwhile` first: what another process does while this one is on Discord. */
  function actingMeanwhile(meanwhile: () => Promise<unknown>) {
    let done = false;
    return world.process((guild: GuildPort) => ({
      ...guild,
      addRole: async (userId: string, roleId: string) => {
        if (!done) await meanwhile();
        done = true;
        return guild.addRole(userId, roleId);
      },
      removeRole: async (userId: string, roleId: string) => {
        if (!done) await meanwhile();
        done = true;
        return guild.removeRole(userId, roleId);
      },
    }));
  }

  it("undoes an approval whose Discord half was under way when an admin closed the window", async () => {
    const teamId = await teamWithRequests(users.freeagent2);
    const racing = actingMeanwhile(() => changeWindow(world.context, admin, { change: "close" }));
    const error = await rejection(approveRequest(racing.context, manager, teamId, users.freeagent2.id));
    expect(error).toMatchObject({ code: "window_closed", message: "The transfer window closed while this change was being made, so it was undone." });
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect(await world.redis.hget(world.keys.userTeam, users.freeagent2.id)).toBeNull();
  });

  it("undoes a departure under way when an admin locked the roster, and a scheduled closing that came due meanwhile", async () => {
    const teamId = await teamWithRequests(users.freeagent2, users.freeagent3);
    await approveRequest(world.context, manager, teamId, users.freeagent2.id);
    await approveRequest(world.context, manager, teamId, users.freeagent3.id);
    const locking = actingMeanwhile(() => lockRoster(world.context, admin, { teamId, reason: "match day" }));
    expect(await rejection(leaveTeam(locking.context, users.freeagent2, teamId))).toMatchObject({ code: "roster_locked" });
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.player, teamId]));
    expect(await world.redis.hget(world.keys.userTeam, users.freeagent2.id)).toBe(teamId);

    await world.redis.hdel(world.keys.rosterLocks, teamId);
    // Scheduled a moment ahead, it comes due while the action is on Discord: the commit settles it, announces it, and refuses.
    const closing = actingMeanwhile(async () => {
      await changeWindow(world.context, admin, { change: "close", at: Date.now() + 50 });
      await new Promise((resolve) => setTimeout(resolve, 80));
    });
    expect(await rejection(removeMember(closing.context, manager, teamId, users.freeagent3.id))).toMatchObject({ code: "window_closed" });
    expect(await world.redis.hget(world.keys.userTeam, users.freeagent3.id)).toBe(teamId);
    expect((await readAudit(world.redis, world.keys.audit, 3)).map((entry) => [entry.action, entry.detail])).toContainEqual(["window.close", "at the scheduled time"]);
  });

  it("lets an admin's overridden approval through a window closed meanwhile", async () => {
    const teamId = await teamWithRequests(users.freeagent2);
    const racing = actingMeanwhile(() => world.redis.hset(world.keys.transferWindow, "state", "closed", "at", String(Date.now())));
    expect((await approveRequest(racing.context, admin, teamId, users.freeagent2.id, { reason: "late registration" })).applied).toBe(true);
  });
});

describe("an admin's override", () => {
  it("lets a tournament admin approve and remove while closed and locked, with the reason in the audit log", async () => {
    const teamId = await teamWithRequests(users.freeagent2);
    await changeWindow(world.context, admin, { change: "close" });
    await lockRoster(world.context, admin, { teamId, reason: "match day" });

    expect((await approveRequest(world.context, admin, teamId, users.freeagent2.id, { reason: "injury replacement" })).applied).toBe(true);
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.player, teamId]));
    expect(await lastAudit()).toMatchObject({ action: "team.approve", actorId: admin.id, targetId: users.freeagent2.id, detail: "roster 2/23; override: injury replacement" });

    expect((await removeMember(world.context, admin, teamId, users.freeagent2.id, { reason: "registered twice" })).applied).toBe(true);
    expect(await lastAudit()).toMatchObject({ action: "team.remove", detail: "override: registered twice" });
  });

  it("is refused from anyone but a tournament admin, and without a reason, changing nothing", async () => {
    const teamId = await teamWithRequests(users.freeagent2);
    await changeWindow(world.context, admin, { change: "close" });
    const forbidden = await rejection(approveRequest(world.context, manager, teamId, users.freeagent2.id, { reason: "please" }));
    expect(forbidden).toMatchObject({ code: "forbidden", extra: { field: "override" } });
    await refusedUnchanged(() => approveRequest(world.context, admin, teamId, users.freeagent2.id, { reason: "   " }), "invalid_input");
  });
});

describe("the change limit per season", () => {
  it("counts joins, leaves and removals from the season's start, refuses past the limit, and starts anew with a new season", async () => {
    const teamId = await teamWithRequests(users.freeagent2, users.freeagent3);
    await setSeason(world.context, admin, { startsAt: Date.now() - minute, changeLimit: 2 });

    await approveRequest(world.context, manager, teamId, users.freeagent2.id);
    expect((await transferStatus(world.context, manager.id)).myTeam).toMatchObject({ changesMade: 1, changesLeft: 1 });
    await removeMember(world.context, manager, teamId, users.freeagent2.id);
    expect((await transferStatus(world.context, manager.id)).myTeam).toMatchObject({ changesMade: 2, changesLeft: 0 });

    const message = await refusedUnchanged(() => approveRequest(world.context, manager, teamId, users.freeagent3.id), "change_limit_reached");
    expect(message).toBe("This team has made all 2 roster changes the season allows; the count starts again only with a new season.");

    expect((await approveRequest(world.context, admin, teamId, users.freeagent3.id, { reason: "league decision" })).applied).toBe(true);
    expect((await transferStatus(world.context, manager.id)).myTeam).toMatchObject({ changesMade: 3, changesLeft: 0 });
    expect(await lastAudit()).toMatchObject({ detail: "roster 2/23; override: league decision" });

    await setSeason(world.context, admin, { startsAt: Date.now(), changeLimit: 2 });
    expect((await transferStatus(world.context, manager.id)).myTeam).toMatchObject({ changesMade: 0, changesLeft: 2 });
    expect((await leaveTeam(world.context, users.freeagent3, teamId)).applied).toBe(true);
    expect((await transferStatus(world.context, manager.id)).myTeam).toMatchObject({ changesMade: 1, changesLeft: 1 });

    await lockRoster(world.context, admin, { teamId, reason: "match day" });
    await changeWindow(world.context, admin, { change: "close", at: Date.now() + minute });
    const report = await checkProductRecords(world.redis, { prefix: `${world.prefix}safa:`, guildId });
    expect(report.problems.filter((problem) => /:safa:(transfer-window|roster-locks|season)/.test(problem.key))).toEqual([]);
    expect(report.checked).toMatchObject({ "transfer window": 1, "roster locks": 1, season: 1, "season change counts": 2 });
  });

  it("counts nothing before the season starts", async () => {
    const teamId = await teamWithRequests(users.freeagent2);
    await setSeason(world.context, admin, { startsAt: Date.now() + 60 * minute, changeLimit: 1 });
    await approveRequest(world.context, manager, teamId, users.freeagent2.id);
    await leaveTeam(world.context, users.freeagent2, teamId);
    expect((await transferStatus(world.context, manager.id)).myTeam).toMatchObject({ changesMade: 0, changesLeft: null });
    expect(await world.redis.keys(`${world.prefix}safa:season:*`)).toEqual([]);
  });

  it("is judged again by the commit itself: a change counted elsewhere meanwhile refuses it and undoes Discord", async () => {
    const teamId = await teamWithRequests(users.freeagent2);
    await setSeason(world.context, admin, { startsAt: Date.now() - minute, changeLimit: 1 });
    const season = (await transferStatus(world.context, manager.id)).season;
    const changesKey = world.keys.seasonChanges(String(season?.startsAt));
    // Another process takes the team's last change while this one is on Discord, past every check made in TypeScript.
    let counted = false;
    const racing = world.process((guild: GuildPort) => ({
      ...guild,
      addRole: async (userId: string, roleId: string) => {
        if (!counted) await world.redis.hincrby(changesKey, teamId, 1);
        counted = true;
        return guild.addRole(userId, roleId);
      },
    }));
    const error = await rejection(approveRequest(racing.context, manager, teamId, users.freeagent2.id));
    expect(error.code).toBe("change_limit_reached");
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect(await world.redis.hget(world.keys.userTeam, users.freeagent2.id)).toBeNull();
    expect(await world.redis.hget(changesKey, teamId)).toBe("1");
  });

  it("lets only one of two approvals racing for the team's last change through", async () => {
    const teamId = await teamWithRequests(users.freeagent2, users.freeagent3);
    await setSeason(world.context, admin, { startsAt: Date.now() - minute, changeLimit: 1 });
    const other = world.process();
    const outcomes = await Promise.allSettled([
      approveRequest(world.context, manager, teamId, users.freeagent2.id),
      approveRequest(other.context, manager, teamId, users.freeagent3.id),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === "rejected");
    expect((refused?.reason as { code?: string } | undefined)?.code).toMatch(/^(change_limit_reached|busy)$/);
    expect(await world.redis.zcard(world.keys.members(teamId))).toBe(2);
  });
});
