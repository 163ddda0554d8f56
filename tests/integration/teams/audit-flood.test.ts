import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { rateLimitPolicies } from "@/lib/api/ratelimit-policies";
import { auditJson, readAudit, requestStreamOf } from "@/lib/audit/log";
import { markTeamRoleAsAdmin } from "@/lib/teams/mark-team-role";
import { actionPolicy } from "@/lib/actions/policy";
import { createWorld, ids, users, type World } from "../../helpers/teams-world";

let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

describe("the audit log under a flood of join requests", () => {
  it("limits one user's ask-and-withdraw cycles and keeps their entries out of the admin and Discord-changing stream", async () => {
    await markTeamRoleAsAdmin(world.context, users.admin, ids.lagosLions);
    const teamId = (await world.service.createTeam(users.freeagent, { name: "Bendel Insurance", tag: "BI" })).teamId ?? "";
    const mainBefore = await world.redis.xlen(world.keys.audit);

    let cycles = 0;
    let refusal: unknown = null;
    while (cycles < 100) {
      try {
        await world.service.requestToJoin(users.freeagent2, teamId);
      } catch (error) {
        refusal = error;
        break;
      }
      await world.service.withdrawRequest(users.freeagent2, teamId);
      cycles += 1;
    }
    expect(cycles).toBe(rateLimitPolicies.joinRequests.hits);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 429 });
    expect((refusal as ApiError).extra.retryAfterSeconds).toBeGreaterThan(0);

    expect(await world.redis.xlen(world.keys.audit)).toBe(mainBefore);
    expect(await world.redis.xlen(requestStreamOf(world.keys.audit))).toBe(2 * cycles);
    // The admin area still shows requests and withdrawals, merged in time order.
    const shown = await readAudit(world.redis, world.keys.audit, actionPolicy.auditEntriesShown);
    expect(shown.slice(0, 2).map((entry) => entry.action)).toEqual(["team.withdraw", "team.request"]);
  });

  it("keeps admin and Discord-changing entries however many request entries arrive", async () => {
    await markTeamRoleAsAdmin(world.context, users.admin, ids.lagosLions);
    await world.service.createTeam(users.freeagent, { name: "Bendel Insurance", tag: "BI" });
    // What many free agents' requests would write, past the trimming length.
    const flood = world.redis.pipeline();
    const entry = auditJson(
      { actorId: users.freeagent3.id, actorName: "Free Agent 3", action: "team.request", teamId: null, teamName: null, targetId: users.freeagent3.id, detail: null },
      Date.now(),
    );
    for (let index = 0; index < actionPolicy.auditEntriesMax + 500; index += 1) {
      flood.xadd(requestStreamOf(world.keys.audit), "MAXLEN", "~", actionPolicy.auditEntriesMax, "*", "entry", entry);
    }
    await flood.exec();

    const shown = await readAudit(world.redis, world.keys.audit, actionPolicy.auditEntriesShown);
    const actions = shown.map((row) => row.action);
    expect(actions).toContain("team.mark");
    expect(actions).toContain("team.create");
    expect(shown.find((row) => row.action === "team.mark")).toMatchObject({ actorId: users.admin.id });
  });
});
