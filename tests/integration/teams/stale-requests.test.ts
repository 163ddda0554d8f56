import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { createWorld, ids, type World } from "../../helpers/teams-world";

/**
 * A player who asked several teams and then joins one (approved, or by
 * creating their own) has no request left anywhere: not in their own list,
 * and not on the other teams' lists, where it would come back as pending,
 * approvable, once they leave the team they joined.
 */

let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

async function freeAgent(username: string) {
  return world.newMember(username, [ids.updatedProfile, ids.freeAgent]);
}

async function team(manager: { id: string; name: string }, name: string, tag: string): Promise<string> {
  const created = await world.service.createTeam(manager, { name, tag });
  if (created.teamId === null) throw new Error("no team id");
  return created.teamId;
}

async function requestsShownTo(manager: { id: string; name: string }): Promise<string[]> {
  return ((await world.service.myTeam(manager)).team?.requests ?? []).map((request) => request.userId);
}

describe("requests of a player who joined a team", () => {
  it("do not come back on other teams' lists after the player leaves", async () => {
    const [first, second, player] = [await freeAgent("first_mgr"), await freeAgent("second_mgr"), await freeAgent("roamer")];
    const one = await team(first, "Roamers One", "RO");
    const two = await team(second, "Roamers Two", "RT");
    await world.service.requestToJoin(player, one);
    await world.service.requestToJoin(player, two);
    await world.service.approveRequest(first, one, player.id);
    await world.service.removeMember(player, one, player.id);

    expect((await world.service.listTeams(player)).myRequests).toBe(0);
    expect(await requestsShownTo(second)).toEqual([]);
    const refused = await world.service.approveRequest(second, two, player.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 404, code: "no_request" });
    // Asking again is a new request, not "already pending".
    expect((await world.service.requestToJoin(player, two)).applied).toBe(true);
    expect(await requestsShownTo(second)).toEqual([player.id]);
  });

  it("do not come back after the team the player created is disbanded", async () => {
    const [other, founder] = [await freeAgent("other_mgr"), await freeAgent("founder")];
    const asked = await team(other, "Asked Team", "AT");
    await world.service.requestToJoin(founder, asked);
    const own = await team(founder, "Founders", "FD");
    await world.service.disbandTeam(founder, own);

    expect((await world.service.listTeams(founder)).myRequests).toBe(0);
    expect(await requestsShownTo(other)).toEqual([]);
    expect(await world.redis.zcard(world.keys.requests(asked))).toBe(0);
  });
});
