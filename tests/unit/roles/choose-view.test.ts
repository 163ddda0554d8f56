import { describe, expect, it } from "vitest";
import { chooseView, type RoleIds } from "@/lib/roles/view";

const ids: RoleIds = { updatedProfile: "101", freeAgent: "102", player: "103", teamManager: "104", tournamentAdmin: "105" };

describe("chooseView", () => {
  it("asks people outside the server to join", () => {
    expect(chooseView(false, ["101", "105"], ids)).toEqual({ view: "join-server", isAdmin: false });
  });
  it("shows the profile form until the updated-profile role is there", () => {
    expect(chooseView(true, [], ids)).toEqual({ view: "profile-form", isAdmin: false });
    expect(chooseView(true, ["102"], ids).view).toBe("profile-form");
  });
  it("chooses the free-agent view for free agents and for profiled members without a team", () => {
    expect(chooseView(true, ["101", "102"], ids).view).toBe("free-agent");
    expect(chooseView(true, ["101"], ids).view).toBe("free-agent");
  });
  it("lets managing win over playing", () => {
    expect(chooseView(true, ["101", "103", "104"], ids).view).toBe("team-manager");
    expect(chooseView(true, ["101", "103"], ids).view).toBe("player");
  });
  it("marks tournament admins whatever their view", () => {
    expect(chooseView(true, ["101", "102", "105"], ids)).toEqual({ view: "free-agent", isAdmin: true });
    expect(chooseView(true, ["105"], ids)).toEqual({ view: "profile-form", isAdmin: true });
  });
});
