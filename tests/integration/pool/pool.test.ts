import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/actions/actor";
import { listPool, setLooking } from "@/lib/pool";
import { createPoolStore } from "@/lib/pool/store";
import { saveProfile } from "@/lib/profile/save-profile";
import { ids, rejection, users } from "../../helpers/teams-world";
import { createOfferWorld, type OfferWorld } from "../offers/offer-world";

let w: OfferWorld;

beforeEach(async () => {
  w = await createOfferWorld();
});

afterEach(async () => {
  await w.world.close();
});

const page = (viewer: SessionActor = users.freeagent3, query: Parameters<typeof listPool>[2] = {}) => listPool(w.context, viewer, query);

describe("the looking switch", () => {
  it("needs a completed profile and no team, and switches off", async () => {
    expect((await rejection(setLooking(w.context, users.freeagent2, true))).code).toBe("profile_required");
    expect((await rejection(setLooking(w.context, users.player, true))).code).toBe("in_team");
    await w.looking(users.freeagent2);
    expect((await setLooking(w.context, users.freeagent2, true)).applied).toBe(false);
    expect((await page()).players.map((player) => player.userId)).toEqual([users.freeagent2.id]);
    expect((await setLooking(w.context, users.freeagent2, false)).applied).toBe(true);
    expect((await setLooking(w.context, users.freeagent2, false)).applied).toBe(false);
    expect((await page()).total).toBe(0);
  });

  it("keeps the entry in step with profile saves, and a save never puts anyone in the pool", async () => {
    await w.looking(users.freeagent2, { gamerTag: "Old_Tag", position: "GK" });
    const since = (await page()).players[0]?.lookingSince;
    await saveProfile(w.context, users.freeagent2, { gamerTag: "New_Tag", platform: "xbox", eaFcId: "newfc1", country: "GH", position: "FWD" });
    const [player] = (await page()).players;
    expect(player).toMatchObject({ gamerTag: "New_Tag", platform: "xbox", country: "GH", position: "FWD", lookingSince: since });
    await saveProfile(w.context, users.freeagent3, { gamerTag: "Not_Looking", platform: "pc", eaFcId: "notlook1", country: "NG", position: "MID" });
    expect((await page()).players.map((entry) => entry.gamerTag)).toEqual(["New_Tag"]);
  });
});

describe("a page of the pool", () => {
  beforeEach(async () => {
    const members = await Promise.all(
      ["Zed", "alpha", "Bravo", "charlie", "Delta"].map((name) => w.world.newMember(`member_${name.toLowerCase()}`, [ids.updatedProfile, ids.freeAgent])),
    );
    const profiles = [
      { gamerTag: "Zed_9", platform: "pc", position: "GK", country: "NG" },
      { gamerTag: "alpha_1", platform: "xbox", position: "MID", country: "GH" },
      { gamerTag: "Bravo_2", platform: "pc", position: "MID", country: "NG" },
      { gamerTag: "charlie_3", platform: "playstation", position: "FWD", country: "ZA" },
      { gamerTag: "Delta_4", platform: "pc", position: "DEF", country: "NG" },
    ] as const;
    for (const [index, member] of members.entries()) await w.looking(member, profiles[index]);
  });

  it("lists by gamer tag whatever the case, in pages, with the total", async () => {
    const first = await page(users.freeagent3, { pageSize: 2 });
    expect(first.players.map((player) => player.gamerTag)).toEqual(["alpha_1", "Bravo_2"]);
    expect(first.total).toBe(5);
    expect((await page(users.freeagent3, { pageSize: 2, page: 3 })).players.map((player) => player.gamerTag)).toEqual(["Zed_9"]);
    expect((await page(users.freeagent3, { pageSize: 2, page: 4 })).players).toEqual([]);
  });

  it("filters by platform, position and country together, and searches gamer tags and names", async () => {
    expect((await page(users.freeagent3, { platform: "pc", country: "NG" })).players.map((player) => player.gamerTag)).toEqual(["Bravo_2", "Delta_4", "Zed_9"]);
    expect((await page(users.freeagent3, { platform: "pc", position: "MID" })).players.map((player) => player.gamerTag)).toEqual(["Bravo_2"]);
    expect((await page(users.freeagent3, { q: "ALPHA" })).players.map((player) => player.gamerTag)).toEqual(["alpha_1"]);
    expect((await page(users.freeagent3, { q: "member_char" })).players.map((player) => player.gamerTag)).toEqual(["charlie_3"]);
    expect((await page(users.freeagent3, { q: "nobody" })).total).toBe(0);
  });

  it("shows a manager the team they may offer from, and whom it has offered", async () => {
    const teamId = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const listed = await page(users.freeagent, { q: "Bravo" });
    expect(listed.offeringTeam).toEqual({ id: teamId, name: "Abuja Eagles" });
    const bravo = listed.players[0];
    expect(bravo?.offered).toBe(false);
    await w.offers.makeOffer(users.freeagent, teamId, bravo?.userId ?? "");
    expect((await page(users.freeagent, { q: "Bravo" })).players[0]?.offered).toBe(true);
    expect((await page(users.freeagent3)).offeringTeam).toBeNull();
  });

  it("loses a player who joins a team in the join's commit, and one who got on a roster otherwise when a page finds them", async () => {
    const teamId = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    const [alpha, bravo] = (await page(users.freeagent, { pageSize: 2 })).players;
    await w.offers.makeOffer(users.freeagent, teamId, alpha?.userId ?? "");
    await w.offers.acceptOffer({ id: alpha?.userId ?? "", name: alpha?.name ?? "" }, teamId);
    const pool = createPoolStore(w.world.redis, w.world.keys);
    expect(await pool.isLooking(alpha?.userId ?? "")).toBe(false);
    // As if Bravo got on a roster without the join commit (a team made on Discord and followed here).
    await w.world.redis.hset(w.world.keys.userTeam, bravo?.userId ?? "", teamId);
    const listed = await page(users.freeagent);
    expect(listed.players.map((player) => player.gamerTag)).toEqual(["charlie_3", "Delta_4", "Zed_9"]);
    expect(listed.total).toBe(3);
    expect(await pool.isLooking(bravo?.userId ?? "")).toBe(false);
  });
});
