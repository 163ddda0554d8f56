import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changeWindow, lockRoster, setSeason, transferStatus } from "@/lib/tournament";
import { rejection, users } from "../../helpers/teams-world";
import { createOfferWorld, type OfferWorld } from "../offers/offer-world";

/**
 * An accepted offer is a join like an approval: the transfer rules hold at
 * the moment of acceptance, and it counts against the team's season.
 */

let w: OfferWorld;
const minute = 60_000;

beforeEach(async () => {
  w = await createOfferWorld();
});

afterEach(async () => {
  await w.world.close();
});

describe("an offer and the transfer rules", () => {
  it("counts an accepted offer against the season, and refuses acceptance past the limit", async () => {
    const teamId = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2);
    await w.looking(users.freeagent3);
    await setSeason(w.context, users.admin, { startsAt: Date.now() - minute, changeLimit: 1 });
    await w.offers.makeOffer(users.freeagent, teamId, users.freeagent2.id);
    await w.offers.makeOffer(users.freeagent, teamId, users.freeagent3.id);

    expect((await w.offers.acceptOffer(users.freeagent2, teamId)).applied).toBe(true);
    expect((await transferStatus(w.context, users.freeagent.id)).myTeam).toMatchObject({ changesMade: 1, changesLeft: 0 });
    expect((await rejection(w.offers.acceptOffer(users.freeagent3, teamId))).code).toBe("change_limit_reached");
    expect(await w.world.redis.hget(w.world.keys.userTeam, users.freeagent3.id)).toBeNull();
  });

  it("refuses acceptance while the window is closed or the roster locked, judged at acceptance", async () => {
    const teamId = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2);
    await w.offers.makeOffer(users.freeagent, teamId, users.freeagent2.id);
    await changeWindow(w.context, users.admin, { change: "close" });
    expect((await rejection(w.offers.acceptOffer(users.freeagent2, teamId))).code).toBe("window_closed");
    await changeWindow(w.context, users.admin, { change: "open" });
    await lockRoster(w.context, users.admin, { teamId, reason: "match day" });
    expect((await rejection(w.offers.acceptOffer(users.freeagent2, teamId))).code).toBe("roster_locked");
    expect(await w.world.redis.hget(w.world.keys.userTeam, users.freeagent2.id)).toBeNull();
  });
});
