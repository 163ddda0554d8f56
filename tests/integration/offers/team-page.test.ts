import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { teamPage } from "@/lib/teams/team-page";
import { users } from "../../helpers/teams-world";
import { createOfferWorld, type OfferWorld } from "./offer-world";

let w: OfferWorld;

beforeEach(async () => {
  w = await createOfferWorld();
});

afterEach(async () => {
  await w.world.close();
});

describe("a team's page", () => {
  it("shows the roster with profiles and the moves from the audit log, newest first, and only this team's", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.team(users.freeagent3, "Benin Bulls", "BB");
    await w.looking(users.freeagent2, { gamerTag: "Striker_9", platform: "xbox", position: "FWD", country: "GH" });
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    await w.offers.acceptOffer(users.freeagent2, teamA);
    await w.world.service.removeMember(users.freeagent, teamA, users.freeagent2.id);

    const page = await teamPage(w.context, teamA);
    expect(page).toMatchObject({ id: teamA, name: "Abuja Eagles", tag: "ABE", managerName: "Free Agent", historyTruncated: false });
    expect(page?.roster.map((entry) => [entry.name, entry.role])).toEqual([["Free Agent", "manager"]]);
    expect(page?.history.map((entry) => [entry.action, entry.targetName])).toEqual([
      ["team.remove", "Free Agent 2"],
      ["team.offer-accept", "Free Agent 2"],
      ["team.create", null],
    ]);
  });

  it("shows a player's profile on the roster", async () => {
    const teamA = await w.team(users.freeagent, "Abuja Eagles", "ABE");
    await w.looking(users.freeagent2, { gamerTag: "Striker_9", platform: "xbox", position: "FWD", country: "GH" });
    await w.offers.makeOffer(users.freeagent, teamA, users.freeagent2.id);
    await w.offers.acceptOffer(users.freeagent2, teamA);
    const player = (await teamPage(w.context, teamA))?.roster.find((entry) => entry.userId === users.freeagent2.id);
    expect(player).toMatchObject({ gamerTag: "Striker_9", platform: "xbox", position: "FWD", country: "GH", role: "player" });
  });

  it("is null for a team that does not exist (the page answers 404)", async () => {
    expect(await teamPage(w.context, "1100000000000009999")).toBeNull();
  });
});
