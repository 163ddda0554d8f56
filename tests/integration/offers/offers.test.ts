import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/actions/actor";
import { readAudit, readAuditStream, requestStreamOf } from "@/lib/audit/log";
import { createPoolStore } from "@/lib/pool/store";
import { checkProductRecords } from "../../../scripts/records/product-records";
import { guildId } from "../../helpers/harness";
import { ids, rejection, sorted, users } from "../../helpers/teams-world";
import { createOfferWorld, offerTtlMs, type OfferWorld } from "./offer-world";

let w: OfferWorld;
let managerB: SessionActor;

beforeEach(async () => {
  w = await createOfferWorld();
  managerB = await w.world.newMember("managerb", [ids.updatedProfile, ids.freeAgent]);
});

afterEach(async () => {
  // Whatever a test did, the offers', the pool's and the rosters' records parse and agree with each other.
  const report = await checkProductRecords(w.world.redis, { prefix: `${w.world.prefix}safa:`, guildId, rosterMax: 23 });
  await w.world.close();
  expect(report.problems.filter((problem) => /offers|pool|team:|user-team|user-requests/.test(problem.key))).toEqual([]);
});

describe("an offer, accepted", () => {
  it("is the join: roles on Discord, the roster, the audit, and the player leaves the pool with their other offers and requests", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const teamB = await w.team(managerB, "Benin Bulls", "BB");
    await w.looking(users.freeagent2);
    await w.world.service.requestToJoin(users.freeagent2, teamB);
    expect((await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id)).applied).toBe(true);
    expect((await w.offers.makeOffer(managerB, teamB, users.freeagent2.id)).applied).toBe(true);
    // Offering again changes nothing.
    expect((await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id)).applied).toBe(false);

    const mine = await w.offers.myOffers(users.freeagent2);
    expect(mine.offers.map((offer) => [offer.teamName, offer.offeredByName])).toEqual([
      ["Abuja Eagles", "Free Agent"],
      ["Benin Bulls", "managerb"],
    ]);
    expect(Date.parse(mine.offers[0]?.expiresAt ?? "") - Date.parse(mine.offers[0]?.offeredAt ?? "")).toBe(offerTtlMs);
    expect((await w.offers.teamOffers(users.freeagent, teamA)).offers.map((offer) => offer.userId)).toEqual([users.freeagent2.id]);

    expect((await w.offers.acceptOffer(users.freeagent2, teamA)).applied).toBe(true);
    expect(await w.world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.player, teamA]));
    expect(await w.world.redis.zrange(w.world.keys.members(teamA), 0, "-1")).toEqual([users.freeagent.id, users.freeagent2.id]);
    expect(await w.world.redis.hget(w.world.keys.userTeam, users.freeagent2.id)).toBe(teamA);
    // Every other offer and request is gone, from both sides, and so is the pool entry.
    expect(await w.world.redis.exists(w.world.keys.offers(users.freeagent2.id))).toBe(0);
    expect(await w.world.redis.zcard(w.world.keys.teamOffers(teamA))).toBe(0);
    expect(await w.world.redis.zcard(w.world.keys.teamOffers(teamB))).toBe(0);
    expect(await w.world.redis.zcard(w.world.keys.requests(teamB))).toBe(0);
    expect(await createPoolStore(w.world.redis, w.world.keys).isLooking(users.freeagent2.id)).toBe(false);
    const [entry] = await readAudit(w.world.redis, w.world.keys.audit, 1);
    expect(entry).toMatchObject({ action: "team.offer-accept", actorId: users.freeagent2.id, teamId: teamA, targetId: users.freeagent2.id, detail: "roster 2/23" });

    // Accepting again is a no-op; the other team's offer is void.
    expect((await w.offers.acceptOffer(users.freeagent2, teamA)).applied).toBe(false);
    expect((await rejection(w.offers.acceptOffer(users.freeagent2, teamB))).code).toBe("no_offer");
  });

  it("declined or withdrawn, cannot be accepted, and each is audited once", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    expect((await w.offers.declineOffer(users.freeagent2, teamA)).applied).toBe(true);
    expect((await w.offers.declineOffer(users.freeagent2, teamA)).applied).toBe(false);
    expect((await rejection(w.offers.acceptOffer(users.freeagent2, teamA))).status).toBe(404);

    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    expect((await w.offers.withdrawOffer(users.freeagent, teamA, users.freeagent2.id)).applied).toBe(true);
    expect((await w.offers.withdrawOffer(users.freeagent, teamA, users.freeagent2.id)).applied).toBe(false);
    expect((await w.offers.myOffers(users.freeagent2)).offers).toEqual([]);
    expect(await w.world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    const actions = (await readAuditStream(w.world.redis, requestStreamOf(w.world.keys.audit), 10)).map((entry) => entry.action).reverse();
    expect(actions).toEqual(["team.offer", "team.offer-decline", "team.offer", "team.offer-withdraw"]);
  });
});

describe("who may offer what", () => {
  it("refuses non-managers, players not looking, players in a team, full rosters, and changes nothing", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const before = await w.world.snapshot();
    expect((await rejection(w.offers.makeOffer(users.freeagent3, teamA, users.freeagent2.id))).code).toBe("forbidden");
    expect((await rejection(w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id))).code).toBe("not_looking");
    expect((await rejection(w.offers.makeOffer(users.freeagent, teamA, users.freeagent.id))).extra.field).toBe("userId");
    expect((await rejection(w.offers.makeOffer(users.freeagent, "1100000000000009999", users.freeagent2.id))).code).toBe("team_not_found");
    expect((await rejection(w.offers.withdrawOffer(users.freeagent3, teamA, users.freeagent2.id))).code).toBe("forbidden");
    expect((await rejection(w.offers.teamOffers(users.freeagent3, teamA))).code).toBe("forbidden");
    expect(await w.world.snapshot()).toEqual(before);
  });

  it("refuses an offer to a player who got on a roster, and lets a tournament admin offer", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const teamB = await w.team(managerB, "Benin Bulls", "BB");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.admin, teamB, users.freeagent2.id);
    await w.offers.acceptOffer(users.freeagent2, teamB);
    expect((await rejection(w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id))).code).toBe("in_team");
  });

  it("drops a disbanded team's offers from the player's side too", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    await w.world.service.disbandTeam(users.freeagent, teamA);
    expect(await w.world.redis.exists(w.world.keys.offers(users.freeagent2.id), w.world.keys.teamOffers(teamA))).toBe(0);
    expect((await w.offers.myOffers(users.freeagent2)).offers).toEqual([]);
  });

  it("refuses offers and acceptances while the transfer window is closed, with the reason", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    await w.world.redis.hset(w.world.keys.transferWindow, { state: "closed", at: Date.now() });
    const refused = await rejection(w.offers.makeOffer(users.freeagent, teamA, users.freeagent3.id));
    expect(refused.code).toBe("window_closed");
    const accept = await rejection(w.offers.acceptOffer(users.freeagent2, teamA));
    expect(accept.code).toBe("window_closed");
    expect(accept.message).toMatch(/transfer window is closed/);
    expect(await w.world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
  });
});

describe("expiry", () => {
  it("refuses an offer accepted after it expired, and lists it no more", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    w.clock.offsetMs = offerTtlMs + 1;
    const before = await w.world.snapshot();
    const error = await rejection(w.offers.acceptOffer(users.freeagent2, teamA));
    expect([error.code, error.status]).toEqual(["offer_expired", 410]);
    expect(await w.world.snapshot()).toEqual(before);
    expect((await w.offers.myOffers(users.freeagent2)).offers).toEqual([]);
    expect((await w.offers.teamOffers(users.freeagent, teamA)).offers).toEqual([]);
    // The team may offer again, and that one is open.
    expect((await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id)).applied).toBe(true);
    expect((await w.offers.acceptOffer(users.freeagent2, teamA)).applied).toBe(true);
  });

  it("has the commit refuse an offer that ran out while Discord was being changed, and undoes Discord", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    // The clock jumps past the expiry between the checks and the commit: only the script can catch it.
    const late = w.process((guild) => ({
      ...guild,
      async addRole(userId, roleId) {
        await guild.addRole(userId, roleId);
        w.clock.offsetMs = offerTtlMs + 1;
      },
    }));
    const error = await rejection(late.offers.acceptOffer(users.freeagent2, teamA));
    expect(error.code).toBe("offer_expired");
    expect(await w.world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect(await w.world.redis.hget(w.world.keys.userTeam, users.freeagent2.id)).toBeNull();
    expect(await w.world.redis.hlen(w.world.keys.journals)).toBe(0);
  });
});

describe("races", () => {
  it("two offers accepted at the same moment put the player in one team only", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const teamB = await w.team(managerB, "Benin Bulls", "BB");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    await w.offers.makeOffer(managerB, teamB, users.freeagent2.id);
    const [one, two] = [w.process(), w.process()];
    const results = await Promise.allSettled([one.offers.acceptOffer(users.freeagent2, teamA), two.offers.acceptOffer(users.freeagent2, teamB)]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const joined = await w.world.redis.hget(w.world.keys.userTeam, users.freeagent2.id);
    expect([teamA, teamB]).toContain(joined);
    const other = joined === teamA ? teamB : teamA;
    expect(await w.world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.player, joined ?? ""]));
    expect(await w.world.redis.zscore(w.world.keys.members(other), users.freeagent2.id)).toBeNull();
    expect(await w.world.redis.exists(w.world.keys.offers(users.freeagent2.id))).toBe(0);
  });

  it("an offer accepted while a join request is approved puts the player in one team only", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const teamB = await w.team(managerB, "Benin Bulls", "BB");
    await w.looking(users.freeagent2);
    await w.world.service.requestToJoin(users.freeagent2, teamA);
    await w.offers.makeOffer(managerB, teamB, users.freeagent2.id);
    const [one, two] = [w.process(), w.process()];
    const results = await Promise.allSettled([one.service.approveRequest(users.freeagent, teamA, users.freeagent2.id), two.offers.acceptOffer(users.freeagent2, teamB)]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const joined = await w.world.redis.hget(w.world.keys.userTeam, users.freeagent2.id);
    const rosters = [await w.world.redis.zscore(w.world.keys.members(teamA), users.freeagent2.id), await w.world.redis.zscore(w.world.keys.members(teamB), users.freeagent2.id)];
    expect(rosters.filter((at) => at !== null)).toHaveLength(1);
    expect(await w.world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.player, joined ?? ""]));
  });

  it("has the commit refuse a player placed elsewhere while Discord was being changed (a writer that lost its lease)", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const teamB = await w.team(managerB, "Benin Bulls", "BB");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    const late = w.process((guild) => ({
      ...guild,
      async addRole(userId, roleId) {
        await guild.addRole(userId, roleId);
        await w.world.redis.hset(w.world.keys.userTeam, users.freeagent2.id, teamB);
      },
    }));
    expect((await rejection(late.offers.acceptOffer(users.freeagent2, teamA))).code).toBe("in_team");
    expect(await w.world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect(await w.world.redis.zcard(w.world.keys.members(teamA))).toBe(1);
    // The offer was not spent by the refused commit.
    expect(await w.world.redis.hexists(w.world.keys.offers(users.freeagent2.id), teamA)).toBe(1);
    // The forged placement goes, so the records check after the test judges only what the action wrote.
    await w.world.redis.hdel(w.world.keys.userTeam, users.freeagent2.id);
  });

  it("two players accepting the last place at the same moment never overfill the roster", async () => {
    const small = await createOfferWorld({ rosterMax: 2 });
    try {
      const teamA = await small.team(users.freeagent, "Abuja Eagles", "ABE");
      await small.looking(users.freeagent2);
      await small.looking(users.freeagent3);
      await small.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
      await small.offers.makeOffer(users.freeagent, teamA, users.freeagent3.id);
      const [one, two] = [small.process(), small.process()];
      const results = await Promise.allSettled([one.offers.acceptOffer(users.freeagent2, teamA), two.offers.acceptOffer(users.freeagent3, teamA)]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((result) => result.status === "rejected");
      expect(refused?.status === "rejected" && (refused.reason as { code?: string }).code).toBe("full");
      expect(await small.world.redis.zcard(small.world.keys.members(teamA))).toBe(2);
      const holders = (await small.world.guildState()).personas.filter((persona) => persona.roles.includes(teamA));
      expect(holders).toHaveLength(2);
    } finally {
      await small.world.close();
    }
  });
});
