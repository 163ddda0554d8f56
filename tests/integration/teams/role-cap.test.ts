import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { teamPolicy } from "@/lib/teams/policy";
import { readGuildSnapshot } from "@/lib/teams/team-role";
import { createWorld, ids, rejection, sorted, users, type World } from "../../helpers/teams-world";

/**
 * Discord caps a server at 250 roles and each team is one: a team is
 * refused before anything changes when no room is left (keeping a few roles
 * free for the server's own use), and a cached role list that missed the
 * last roles still ends in the same sentence, not a bare Discord refusal.
 */
let world: World;

beforeEach(async () => {
  world = await createWorld();
});

afterEach(async () => {
  await world.close();
});

/** Fills the emulated server with roles made on Discord until it has `total` roles. */
async function fillGuildTo(total: number): Promise<void> {
  const have = (await world.guildState()).guild.roles.length;
  for (let index = have; index < total; index += 1) await world.emu.control("roles", { body: { name: `filler ${index}` } });
  expect((await world.guildState()).guild.roles.length).toBe(total);
}

const lastAllowed = teamPolicy.guildRolesMax - teamPolicy.guildRolesKeptFree - 1;

describe("Discord's role cap", () => {
  it("starts a team while a role is left beyond the ones kept free, then refuses the next, changing nothing", async () => {
    await fillGuildTo(lastAllowed);
    const created = await world.service.createTeam(users.freeagent, { name: "Last Team", tag: "LT" });
    expect(created.applied).toBe(true);

    const before = await world.snapshot();
    const error = await rejection(world.service.createTeam(users.freeagent2, { name: "One Too Many", tag: "OTM" }));
    expect([error.code, error.status]).toEqual(["role_cap", 409]);
    expect(error.message).toMatch(/no room for another team/);
    expect(await world.snapshot()).toEqual(before);
    expect(await world.rolesOf(users.freeagent2.id)).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
  });

  it("says the same when a stale role list let the attempt reach Discord, which answered 30005, and undoes everything", async () => {
    await readGuildSnapshot(world.context, { fresh: true });
    // Roles made on Discord after the list was cached, up to the cap itself.
    await fillGuildTo(teamPolicy.guildRolesMax);
    const before = await world.snapshot();
    const error = await rejection(world.service.createTeam(users.freeagent2, { name: "Too Late", tag: "TL" }));
    expect(error.code).toBe("role_cap");
    expect(await world.snapshot()).toEqual(before);
    const stats = await world.emu.stats();
    expect(stats.routes["POST /guilds/:guild_id/roles"]?.requests).toBeGreaterThan(0);
  });

  it("the emulator refuses the 251st role with Discord's 30005", async () => {
    await fillGuildTo(teamPolicy.guildRolesMax);
    const response = await fetch(`${world.emu.apiBase}/guilds/1100000000000000001/roles`, {
      method: "POST",
      headers: { Authorization: "Bot emulator-bot-token", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "251st", permissions: "0" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 30005 });
  });
});
