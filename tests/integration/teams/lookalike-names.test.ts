import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApiError } from "@/lib/api/errors";
import { saveProfile } from "@/lib/profile/save-profile";
import { createProfileStore } from "@/lib/profile/store";
import { eaFcIdKey, gamerTagKey, teamNameKey, teamTagKey } from "@/lib/actions/keys";
import { checkProductRecords } from "../../../scripts/records/product-records";
import { guildId } from "../../helpers/harness";
import { createWorld, ids, rejection, users, type World } from "../../helpers/teams-world";

let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

async function createTeam(user: { id: string; name: string }, name: string, tag: string): Promise<string> {
  const result = await world.service.createTeam(user, { name, tag });
  if (result.teamId === null) throw new Error("no team id");
  return result.teamId;
}

/** A promise the test opens by hand, to hold one process between its check and its commit. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open: () => open() };
}

/** The records this feature writes, and those they must agree with, all parse and agree. */
async function expectNoRecordProblems() {
  const report = await checkProductRecords(world.redis, { prefix: `${world.prefix}safa:`, guildId });
  const ours = /:safa:(team:|teams$|team-names$|team-tags$|profile:|gamer-tags$|ea-fc-ids$|profile-claims-indexed$|user-team$)/;
  expect(report.problems.filter((problem) => ours.test(problem.key))).toEqual([]);
}

const profile = { gamerTag: "Ace_Striker", platform: "pc", eaFcId: "ace.striker", country: "NG", position: "FWD" } as const;

describe("team names that look alike", () => {
  it.each([
    ["a capital I for an l", "Abuja EagIes"],
    ["a digit 1 for an l", "Abuja Eag1es"],
    ["a Cyrillic а", "Abuj\u0430 Eagles"],
    ["a Cyrillic А and е", "\u0410buja Eagl\u0435s"],
    ["another case and spacing", "ABUJA  eagles"],
  ])("refuses %s beside Abuja Eagles, naming the field, before touching Discord", async (_, lookAlike) => {
    await createTeam(users.freeagent, "Abuja Eagles", "AE");
    const rolesBefore = await world.guildRoleNames();
    const error = await rejection(world.service.createTeam(users.freeagent2, { name: lookAlike, tag: "XY" }));
    expect(error.status).toBe(409);
    expect(error.extra.field).toBe("name");
    expect(error.message).toBe("A team with a name that looks the same already exists: Abuja Eagles. Pick another name.");
    expect(error.extra.fieldErrors).toEqual({ name: error.message });
    expect(await world.guildRoleNames()).toEqual(rolesBefore);
  });

  it.each([
    ["a digit 0 for an O", "Oyo Stars", "0yo Stars"],
    ["rn for m", "Kumasi Kings", "Kurnasi Kings"],
    ["vv for w", "New Stars", "Nevv Stars"],
  ])("refuses %s", async (_, original, lookAlike) => {
    await createTeam(users.freeagent, original, "AB");
    const error = await rejection(world.service.createTeam(users.freeagent2, { name: lookAlike, tag: "XY" }));
    expect([error.status, error.extra.field]).toEqual([409, "name"]);
  });

  it("refuses a tag another team holds, or one that looks the same", async () => {
    await createTeam(users.freeagent, "Abuja Eagles", "CL");
    for (const tag of ["CL", "CI"]) {
      const error = await rejection(world.service.createTeam(users.freeagent2, { name: "Benin Bees", tag }));
      expect(error.status).toBe(409);
      expect(error.extra.fieldErrors).toEqual({ tag: "Abuja Eagles already uses a tag that looks the same: CL. Pick another tag." });
    }
    expect((await world.service.createTeam(users.freeagent2, { name: "Benin Bees", tag: "BB" })).applied).toBe(true);
    await expectNoRecordProblems();
  });

  it("frees the name and tag of a disbanded team", async () => {
    const teamId = await createTeam(users.freeagent, "Abuja Eagles", "AE");
    await world.service.disbandTeam(users.freeagent, teamId);
    expect(await world.redis.hlen(world.keys.teamNames)).toBe(0);
    expect(await world.redis.hlen(world.keys.teamTags)).toBe(0);
    expect((await world.service.createTeam(users.freeagent2, { name: "Abuja EagIes", tag: "AE" })).applied).toBe(true);
    await expectNoRecordProblems();
  });

  it("gives one team to two racing creates with look-alike names, from two processes", async () => {
    const other = world.process();
    const outcomes = await Promise.allSettled([
      world.service.createTeam(users.freeagent, { name: "Abuja Eagles", tag: "AE" }),
      other.service.createTeam(users.freeagent2, { name: "Abuja EagIes", tag: "EA" }),
    ]);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) => (outcome as PromiseRejectedResult).reason as ApiError);
    expect(refused).toHaveLength(1);
    expect([refused[0]?.status, refused[0]?.extra.field]).toEqual([409, "name"]);
    expect((await world.service.listTeams(users.freeagent3)).teams).toHaveLength(1);
    expect((await world.guildRoleNames()).filter((name) => /^Abuja Eag/.test(name))).toHaveLength(1);
    await expectNoRecordProblems();
  });

  it("gives a tag to one of two racing creates with different names, from two processes", async () => {
    const other = world.process();
    const outcomes = await Promise.allSettled([
      world.service.createTeam(users.freeagent, { name: "Abuja Eagles", tag: "LL" }),
      other.service.createTeam(users.freeagent2, { name: "Benin Bees", tag: "LI" }),
    ]);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) => (outcome as PromiseRejectedResult).reason as ApiError);
    expect(refused).toHaveLength(1);
    expect([refused[0]?.status, refused[0]?.extra.field]).toEqual([409, "tag"]);
    expect((await world.service.listTeams(users.freeagent3)).teams).toHaveLength(1);
    expect((await world.guildRoleNames()).filter((name) => name === "Abuja Eagles" || name === "Benin Bees")).toHaveLength(1);
    await expectNoRecordProblems();
  });

  it("refuses at commit a create whose tag a racing create claimed after the check, and undoes its Discord role", async () => {
    const [checked, goOn] = [gate(), gate()];
    const late = world.process((guild) => ({ ...guild, createRole: async (name) => (checked.open(), await goOn.opened, guild.createRole(name)) }));
    const racing = late.service.createTeam(users.freeagent2, { name: "Benin Bees", tag: "LI" });
    await checked.opened;
    await world.service.createTeam(users.freeagent, { name: "Abuja Eagles", tag: "LL" });
    goOn.open();
    const error = await rejection(racing);
    expect([error.status, error.code, error.extra.field]).toEqual([409, "tag_taken", "tag"]);
    expect(await world.guildRoleNames()).not.toContain("Benin Bees");
    expect(await world.redis.hgetall(world.keys.teamTags)).toEqual({ [teamTagKey("LL")]: expect.any(String) });
    await expectNoRecordProblems();
  });

  it("still marks and adopts Lagos Lions when its derived tag LL is taken, and then guards its name", async () => {
    await createTeam(users.freeagent, "Lucky Legends", "LL");
    await world.seedDemoTeams();
    await world.roleCache.writeThrough(users.manager.id, [ids.updatedProfile, ids.teamManager, ids.lagosLions]);
    const adopted = await world.service.myTeam(users.manager);
    expect(adopted.team).toMatchObject({ id: ids.lagosLions, name: "Lagos Lions" });
    const name = await rejection(world.service.createTeam(users.freeagent2, { name: "Lagos LIons", tag: "XY" }));
    expect(name.message).toBe("A team with a name that looks the same already exists: Lagos Lions. Pick another name.");
    const tag = await rejection(world.service.createTeam(users.freeagent2, { name: "Benin Bees", tag: "LL" }));
    expect(tag.extra.field).toBe("tag");
    expect(await world.redis.hget(world.keys.teamTags, teamTagKey("LL"))).not.toBe(ids.lagosLions);
    await expectNoRecordProblems();
  });
});

describe("gamer tags and EA FC IDs that look alike", () => {
  it("refuses another profile's gamer tag or EA FC ID, or a look-alike, until its holder changes theirs", async () => {
    await saveProfile(world.context, users.newcomer, profile);
    const sameTag = await rejection(saveProfile(world.context, users.freeagent2, { ...profile, gamerTag: "Ace_StrIker", eaFcId: "someone.else" }));
    expect([sameTag.status, sameTag.extra.field, sameTag.message]).toEqual([409, "gamerTag", "Another player's gamer tag looks the same: Ace_Striker. Pick another gamer tag."]);
    const sameId = await rejection(saveProfile(world.context, users.freeagent2, { ...profile, gamerTag: "Someone_Else", eaFcId: "ACE.STR1KER" }));
    expect([sameId.status, sameId.extra.field]).toEqual([409, "eaFcId"]);
    expect(sameId.message).not.toContain("ace.striker");

    await saveProfile(world.context, users.newcomer, { ...profile, gamerTag: "Ace_Keeper", eaFcId: "ace.keeper" });
    expect((await saveProfile(world.context, users.freeagent2, { ...profile, gamerTag: "Ace_StrIker" })).applied).toBe(true);
    const tookIt = await rejection(saveProfile(world.context, users.newcomer, profile));
    expect(tookIt.extra.field).toBe("gamerTag");
    await expectNoRecordProblems();
  });

  it("lets a player save their own gamer tag and EA FC ID again", async () => {
    await saveProfile(world.context, users.newcomer, profile);
    expect((await saveProfile(world.context, users.newcomer, profile)).applied).toBe(false);
    expect((await saveProfile(world.context, users.newcomer, { ...profile, position: "GK" })).applied).toBe(true);
    expect((await saveProfile(world.context, users.newcomer, { ...profile, gamerTag: "ACE_STRIKER", position: "GK" })).applied).toBe(true);
  });

  it("gives a gamer tag to one of two players saving look-alikes at once, from two processes", async () => {
    const other = world.process();
    const outcomes = await Promise.allSettled([
      saveProfile(world.context, users.newcomer, profile),
      saveProfile(other.context, users.freeagent2, { ...profile, gamerTag: "Ace_Str1ker", eaFcId: "other.id" }),
    ]);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) => (outcome as PromiseRejectedResult).reason as ApiError);
    expect(refused).toHaveLength(1);
    expect([refused[0]?.status, refused[0]?.extra.field]).toEqual([409, "gamerTag"]);
    expect(await world.redis.hlen(world.keys.gamerTags)).toBe(1);
    await expectNoRecordProblems();
  });

  it("refuses at commit a gamer tag a racing save claimed after the check, and undoes its roles", async () => {
    const [checked, goOn] = [gate(), gate()];
    const late = world.process((guild) => ({ ...guild, addRole: async (userId, roleId) => (checked.open(), await goOn.opened, guild.addRole(userId, roleId)) }));
    const rolesBefore = await world.rolesOf(users.newcomer.id);
    const racing = saveProfile(late.context, users.newcomer, profile);
    await checked.opened;
    await saveProfile(world.context, users.freeagent2, { ...profile, gamerTag: "Ace_StrIker", eaFcId: "other.id" });
    goOn.open();
    const error = await rejection(racing);
    expect([error.status, error.code, error.extra.field]).toEqual([409, "gamer_tag_taken", "gamerTag"]);
    expect(await world.rolesOf(users.newcomer.id)).toEqual(rolesBefore);
    expect(await createProfileStore(world.redis, world.keys).get(users.newcomer.id)).toBeNull();
    await expectNoRecordProblems();
  });
});

describe("records from before look-alike checks", () => {
  const legacyTeamId = "1100000000000000999";

  async function writeLegacyRecords() {
    const keys = world.keys;
    await world.redis.hset(keys.team(legacyTeamId), {
      id: legacyTeamId,
      name: "Abuja Eagles",
      normalizedName: "abuja eagles",
      tag: "AE",
      managerId: "",
      createdBy: "",
      createdAt: "1",
      adopted: "1",
    });
    await world.redis.zadd(keys.teamIndex, 1, legacyTeamId);
    await world.redis.hset(keys.teamNames, "abuja eagles", legacyTeamId);
    await world.redis.set(keys.profile(users.player.id), JSON.stringify({ ...profile, updatedAt: 1 }));
  }

  it("indexes them on first use, so look-alikes of them are refused too", async () => {
    await writeLegacyRecords();
    const name = await rejection(world.service.createTeam(users.freeagent2, { name: "Abuja EagIes", tag: "XY" }));
    expect(name.extra.field).toBe("name");
    const tag = await rejection(world.service.createTeam(users.freeagent2, { name: "Benin Bees", tag: "AE" }));
    expect(tag.extra.field).toBe("tag");
    expect(await world.redis.hgetall(world.keys.teamNames)).toEqual({ [teamNameKey("Abuja Eagles")]: legacyTeamId });
    expect(await world.redis.hgetall(world.keys.teamTags)).toEqual({ [teamTagKey("AE")]: legacyTeamId });

    const gamerTag = await rejection(saveProfile(world.context, users.freeagent2, { ...profile, gamerTag: "Ace_Str1ker", eaFcId: "other.id" }));
    expect(gamerTag.extra.field).toBe("gamerTag");
    expect(await createProfileStore(world.redis, world.keys).claims(users.player.id)).toEqual({ gamerTagKey: gamerTagKey(profile.gamerTag), eaFcIdKey: eaFcIdKey(profile.eaFcId) });
    expect((await saveProfile(world.context, users.player, { ...profile, position: "GK" })).applied).toBe(true);
    await expectNoRecordProblems();
  });
});
