import { describe, expect, it } from "vitest";
import { chooseManager, joinNote, planMember, type TeamRoleFacts } from "@/lib/teams/discord-sync/plan";

const team = (id: string, facts: Partial<TeamRoleFacts> = {}): [string, TeamRoleFacts] => [id, { id, recorded: true, createdAt: 100, onDiscord: true, open: true, ...facts }];

describe("where a member belongs", () => {
  const teams = new Map([team("lions", { createdAt: 100 }), team("eagles", { createdAt: 50 }), team("marked", { recorded: false, createdAt: Number.MAX_SAFE_INTEGER })]);

  it("joins the team whose role they hold", () => {
    expect(planMember(null, ["x", "lions"], teams)).toEqual({ leave: null, join: "lions", alsoHeld: [] });
  });

  it("stays on their roster while they hold its role, however many other team roles they hold", () => {
    expect(planMember("lions", ["eagles", "lions"], teams)).toEqual({ leave: null, join: null, alsoHeld: ["eagles"] });
  });

  it("joins the oldest team among several, a marked role not yet a team last, flagging the others", () => {
    expect(planMember(null, ["marked", "lions", "eagles"], teams)).toEqual({ leave: null, join: "eagles", alsoHeld: ["marked", "lions"] });
  });

  it("leaves the team whose role was taken, moving to another team role they hold", () => {
    expect(planMember("lions", ["eagles"], teams)).toEqual({ leave: "lions", join: "eagles", alsoHeld: [] });
    expect(planMember("lions", [], teams)).toEqual({ leave: "lions", join: null, alsoHeld: [] });
    expect(planMember("lions", null, teams)).toEqual({ leave: "lions", join: null, alsoHeld: [] });
  });

  it("leaves a team the records know but the roles do not (drift)", () => {
    expect(planMember("ghost-team", ["lions"], teams)).toEqual({ leave: "ghost-team", join: "lions", alsoHeld: [] });
  });

  it("does not leave a team whose role is gone from Discord: the team is disbanded as a whole", () => {
    const gone = new Map([team("lions", { onDiscord: false, open: false })]);
    expect(planMember("lions", [], gone)).toEqual({ leave: null, join: null, alsoHeld: [] });
  });

  it("joins no team whose role fails the team-role checks", () => {
    const unsafe = new Map([team("mods", { open: false })]);
    expect(planMember(null, ["mods"], unsafe)).toEqual({ leave: null, join: null, alsoHeld: ["mods"] });
  });
});

describe("the team's manager", () => {
  const roster = [
    { userId: "a", at: 3 },
    { userId: "b", at: 1 },
    { userId: "c", at: 2 },
  ];

  it("keeps the current manager while they qualify", () => {
    expect(chooseManager("a", roster, () => true)).toBe("a");
  });

  it("otherwise picks who has been on the roster longest among those who qualify", () => {
    expect(chooseManager("a", roster, (userId) => userId !== "a")).toBe("b");
    expect(chooseManager(null, roster, (userId) => userId === "c" || userId === "a")).toBe("c");
  });

  it("is nobody when nobody holds both roles, and never someone off the roster", () => {
    expect(chooseManager("a", roster, () => false)).toBeNull();
    expect(chooseManager("z", roster, (userId) => userId === "z")).toBeNull();
  });
});

describe("the audit's note on a player taken from Discord", () => {
  it("says plainly what happened, and flags an over-cap roster and a second team role", () => {
    expect(joinNote(3, 23, [])).toBe("team role given on Discord");
    expect(joinNote(24, 23, ["Abuja Eagles"])).toBe("team role given on Discord; roster 24/23: over the cap; also holds the team role of Abuja Eagles; kept on this roster only");
  });
});
