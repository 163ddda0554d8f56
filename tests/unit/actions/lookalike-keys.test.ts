import { describe, expect, it } from "vitest";
import { eaFcIdKey, gamerTagKey, teamNameKey, teamTagKey } from "@/lib/actions/keys";
import { profileSchema } from "@/lib/profile/schema";
import { createTeamSchema } from "@/lib/teams/input";

describe("team name and tag keys", () => {
  it.each(["Abuja EagIes", "Abuja Eag1es", "Abuj\u0430 Eagles", "ABUJA  eagles", " abuja eagles "])("gives %j the key of Abuja Eagles", (name) => {
    expect(teamNameKey(name)).toBe(teamNameKey("Abuja Eagles"));
  });

  it("keys a tag as the schema stores it, so a typed lower-case tag meets its upper-case twin", () => {
    const stored = createTeamSchema.parse({ name: "Abuja Eagles", tag: "ll" }).tag;
    expect(teamTagKey(stored)).toBe(teamTagKey("LL"));
    expect(teamTagKey("LI")).toBe(teamTagKey("IL"));
    expect(teamTagKey("AB")).not.toBe(teamTagKey("AD"));
  });
});

describe("gamer tag and EA FC ID keys", () => {
  const profile = { gamerTag: "Ace_Striker", platform: "pc", eaFcId: "ace.striker", country: "NG", position: "FWD" };

  it.each(["ace_striker", "Ace_StrIker", "Ace_Str1ker", "ACE_STRIKER"])("gives %j the key of Ace_Striker", (gamerTag) => {
    expect(gamerTagKey(profileSchema.parse({ ...profile, gamerTag }).gamerTag)).toBe(gamerTagKey("Ace_Striker"));
  });

  it.each(["Ace.Striker", "ace.str1ker", "ACE.STRIKER"])("gives %j the key of ace.striker", (eaFcId) => {
    expect(eaFcIdKey(profileSchema.parse({ ...profile, eaFcId }).eaFcId)).toBe(eaFcIdKey("ace.striker"));
  });

  it("keeps tags that differ in more than look apart", () => {
    expect(gamerTagKey("Ace_Striker")).not.toBe(gamerTagKey("Ace_Strikers"));
    expect(gamerTagKey("Ace_Striker")).not.toBe(gamerTagKey("Ace-Striker"));
  });
});
