import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { rateLimitPolicies } from "@/lib/api/ratelimit-policies";
import { saveProfile } from "@/lib/profile/save-profile";
import { actionPolicy } from "@/lib/actions/policy";
import { createWorld, ids, users, type World } from "../../helpers/teams-world";

const memberRead = "GET /guilds/:guild_id/members/:user_id";
const profile = { gamerTag: "Steady_Hands", platform: "pc", eaFcId: "steady.hands", country: "NG", position: "DEF" } as const;
const otherProfile = { gamerTag: "Quick_Feet", platform: "xbox", eaFcId: "quick.feet", country: "GH", position: "FWD" } as const;

let world: World;

afterEach(async () => {
  await world.close();
});

async function settled<T>(promise: Promise<T>): Promise<T | ApiError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

async function timed<T>(promise: Promise<T>): Promise<{ value: T | ApiError; ms: number }> {
  const started = Date.now();
  const value = await settled(promise);
  return { value, ms: Date.now() - started };
}

async function memberReads(): Promise<number> {
  return (await world.emu.stats()).routes[memberRead]?.requests ?? 0;
}

/** Members whose pages have loaded (their roles are in the role cache), as anyone signed in can be. */
async function signedInMember(username: string, roles: string[]) {
  const member = await world.newMember(username, roles);
  await world.roleCache.writeThrough(member.id, roles);
  return member;
}

describe("rights before locks", () => {
  it("does not let users without rights hold a team's or a player's lock, so the manager's decline and the player's profile save go through", async () => {
    world = await createWorld();
    const teamId = (await world.service.createTeam(users.freeagent, { name: "Kano Pillars", tag: "KP" })).teamId ?? "";
    await world.service.requestToJoin(users.freeagent2, teamId);
    await world.service.requestToJoin(users.freeagent3, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent3.id);
    const freeAgentRoles = [ids.updatedProfile, ids.freeAgent];
    const first = await signedInMember("stall1", freeAgentRoles);
    const second = await signedInMember("stall2", freeAgentRoles);
    const stallers = new Set([first.id, second.id]);
    // Their Discord reads take 15 s: today's code read them fresh while holding the team's and the player's locks.
    const slow = world.process((guild) => ({
      ...guild,
      async getMemberRoles(userId) {
        if (stallers.has(userId)) await sleep(15_000);
        return guild.getMemberRoles(userId);
      },
    }));

    const stalling = [
      settled(slow.service.declineRequest(first, teamId, users.freeagent2.id)),
      settled(slow.service.removeMember(second, teamId, users.freeagent3.id)),
      settled(slow.service.approveRequest(first, teamId, users.freeagent3.id)),
    ];
    await sleep(300);

    const decline = await timed(world.service.declineRequest(users.freeagent, teamId, users.freeagent2.id));
    expect(decline.value).toMatchObject({ applied: true });
    expect(decline.ms).toBeLessThan(3_000);
    const save = await timed(saveProfile(world.context, users.freeagent3, profile));
    expect(save.value).toMatchObject({ applied: true });
    expect(save.ms).toBeLessThan(3_000);

    for (const outcome of await Promise.all(stalling)) expect(outcome).toMatchObject({ status: 403 });
  });
});

describe("the bot's Discord budget", () => {
  it("answers a burst of 30 repeated join requests without Discord calls after the first, and another user's action still goes through", async () => {
    world = await createWorld({ discordLimits: "realistic", admission: actionPolicy.admission });
    const teamId = (await world.service.createTeam(users.freeagent, { name: "Enugu Rangers", tag: "ER" })).teamId ?? "";
    const asker = await world.newMember("eager", [ids.updatedProfile, ids.freeAgent]);

    const before = await memberReads();
    expect(await world.service.requestToJoin(asker, teamId)).toMatchObject({ applied: true });
    const repeats = await Promise.all(Array.from({ length: 30 }, () => settled(world.service.requestToJoin(asker, teamId))));
    for (const repeat of repeats) expect(repeat).toMatchObject({ applied: false });
    expect((await memberReads()) - before).toBeLessThanOrEqual(1);

    const newcomer = await timed(saveProfile(world.context, users.newcomer, profile));
    expect(newcomer.value).toMatchObject({ applied: true });
  });

  it("caps one user's Discord-spending actions with a 429 and a wait, leaving the guild's budget to others", async () => {
    world = await createWorld({ admission: actionPolicy.admission });
    const outcomes: (unknown | ApiError)[] = [];
    for (let round = 0; round < actionPolicy.admission.userBurst + 2; round += 1) {
      outcomes.push(await settled(saveProfile(world.context, users.freeagent, { ...profile, gamerTag: `Busy_${round}` })));
    }
    const limited = outcomes.filter((outcome): outcome is ApiError => outcome instanceof ApiError);
    expect(limited.length).toBeGreaterThan(0);
    for (const error of limited) {
      expect(error).toMatchObject({ status: 429, code: "too_many_changes" });
      expect(error.extra.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(error.message).toMatch(/wait \d+ s/);
    }
    expect(await saveProfile(world.context, users.newcomer, otherProfile)).toMatchObject({ applied: true });
  });
});

describe("refused attempts", () => {
  it("are counted against the caller, who is answered 429 after too many, without a Discord call", async () => {
    world = await createWorld();
    const teamId = (await world.service.createTeam(users.freeagent, { name: "Shooting Stars", tag: "SS" })).teamId ?? "";
    await world.service.requestToJoin(users.freeagent2, teamId);
    const prober = await signedInMember("prober", [ids.updatedProfile, ids.freeAgent]);
    const before = await memberReads();
    for (let attempt = 0; attempt < rateLimitPolicies.refusals.hits; attempt += 1) {
      expect(await settled(world.service.approveRequest(prober, teamId, users.freeagent2.id))).toMatchObject({ status: 403 });
    }
    const blocked = await settled(world.service.declineRequest(prober, teamId, users.freeagent2.id));
    expect(blocked).toMatchObject({ status: 429, code: "too_many_refusals" });
    expect((blocked as ApiError).extra.retryAfterSeconds).toBeGreaterThan(0);
    expect((await memberReads()) - before).toBe(0);
    // Others are not affected.
    expect(await world.service.declineRequest(users.freeagent, teamId, users.freeagent2.id)).toMatchObject({ applied: true });
  });

  it("answers no-ops without a lock or a Discord call", async () => {
    world = await createWorld();
    const teamId = (await world.service.createTeam(users.freeagent, { name: "Heartland", tag: "HL" })).teamId ?? "";
    await world.service.requestToJoin(users.freeagent2, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
    const before = await memberReads();
    expect(await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id)).toMatchObject({ applied: false });
    expect(await world.service.declineRequest(users.freeagent, teamId, users.freeagent3.id)).toMatchObject({ applied: false });
    expect(await world.service.transferManager(users.freeagent, teamId, users.freeagent.id)).toMatchObject({ applied: false });
    expect(await world.service.removeMember(users.freeagent, teamId, users.freeagent3.id)).toMatchObject({ applied: false });
    expect((await memberReads()) - before).toBe(0);
  });
});
