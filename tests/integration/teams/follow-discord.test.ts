import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { productKeyspace, teamNameKey } from "@/lib/actions/keys";
import { readAudit, type AuditEntry } from "@/lib/audit/log";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import type { GatewayPolicy } from "@/lib/gateway/policy";
import { readMirrorStatus } from "@/lib/gateway/status";
import { createGatewayWorker, type GatewayWorker } from "@/lib/gateway/worker";
import { createDiscordFollower, createFollowContext, type DiscordFollower } from "@/lib/teams/discord-sync";
import { createTeamStore } from "@/lib/teams/store";
import { GUILD_ID, ROLE_IDS } from "../../../emulator/fixture";
import type { EmulatorHandle } from "../../../emulator/server";
import { botToken, control, gatewayEmulator } from "../../helpers/gateway-kit";
import { freshRedis } from "../../helpers/harness";
import { createWorld, users, type World } from "../../helpers/teams-world";

/**
 * Teams follow Discord: an in-process Gateway worker against the emulator
 * drives the rosters, with nobody logging in.
 */
const manager = "1200000000000000004";
const player = "1200000000000000005";
const freeAgent = "1200000000000000003";
const newcomer = "1200000000000000002";
const admin = "1200000000000000006";
const lions = ROLE_IDS.lagosLions;
const roleIds = { updatedProfile: ROLE_IDS.updatedProfile, freeAgent: ROLE_IDS.freeAgent, player: ROLE_IDS.player, teamManager: ROLE_IDS.teamManager, tournamentAdmin: ROLE_IDS.tournamentAdmin };
const keys = productKeyspace();
const mirror = gatewayKeyspace(GUILD_ID);
const quickPolicy: Partial<GatewayPolicy> = { leaseMs: 600, renewEveryMs: 150, standbyPollMs: 150, connectRetryMs: 200, retryPauseMs: 50 };

let emulator: EmulatorHandle;
let clockOffsetMs = 0;
let redis: Redis;
let running: { worker: GatewayWorker; follower: DiscordFollower; connection: Redis } | null = null;

beforeAll(async () => {
  emulator = await gatewayEmulator({ clock: () => Date.now() + clockOffsetMs });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  clockOffsetMs = 0;
  emulator.reset();
  redis = await freshRedis();
});
afterEach(async () => {
  if (running) {
    await running.worker.stop("abandon");
    await running.follower.stop();
    running.connection.disconnect();
  }
  running = null;
  redis.disconnect();
});

/** The Gateway worker with teams following it, wired as scripts/gateway.ts wires them. */
function follow(options: { rosterMax?: number } = {}): DiscordFollower {
  const connection = redis.duplicate();
  const follower = createDiscordFollower(
    createFollowContext({ redis: connection, guildId: GUILD_ID, roleIds, rosterMax: options.rosterMax ?? 23, log: pino({ level: "silent" }) }),
    { retryPauseMs: 100 },
  );
  const worker = createGatewayWorker({
    redis: connection,
    guildId: GUILD_ID,
    botToken,
    apiBase: `${emulator.url}/api/v10`,
    workerId: "w1",
    policy: quickPolicy,
    onMemberChanged: (change) => follower.memberChanged(change),
    onRoleDeleted: (deleted) => follower.roleDeleted(deleted),
    onResynced: (resynced) => follower.resynced(resynced),
  });
  running = { worker, follower, connection };
  worker.start();
  return follower;
}

async function markLions(): Promise<void> {
  await redis.hset(keys.markedTeamRoles, lions, admin);
}

const store = () => createTeamStore(redis, keys);

async function roster(teamId: string): Promise<string[]> {
  return (await store().members(teamId)).map((entry) => entry.userId).sort();
}

async function rosterBecomes(teamId: string, expected: string[], timeout = 5_000): Promise<void> {
  await expect.poll(() => roster(teamId), { timeout, interval: 50 }).toEqual([...expected].sort());
}

async function fromDiscord(): Promise<AuditEntry[]> {
  return (await readAudit(redis, keys.audit, 100)).filter((entry) => entry.actorName === "made on Discord");
}

async function moderatorChanges(userId: string, change: { add?: string[]; remove?: string[] }): Promise<void> {
  await control(emulator, "POST", `members/${userId}/roles`, change);
}

async function firstSync(follower: DiscordFollower): Promise<void> {
  await rosterBecomes(lions, [manager, player]);
  await follower.idle();
}

describe("teams follow Discord", () => {
  it("makes the holders of a marked team role its roster at the first sync, the manager from the team manager role, with nobody logging in", async () => {
    await markLions();
    await firstSync(follow());

    const team = await store().team(lions);
    expect(team).toMatchObject({ name: "Lagos Lions", managerId: manager, adopted: true, createdBy: admin });
    expect(await store().teamOf(player)).toBe(lions);
    const audited = await fromDiscord();
    expect(audited.map((entry) => entry.action).sort()).toEqual(["team.adopt", "team.adopt", "team.adopt", "team.transfer"]);
    expect(audited.find((entry) => entry.action === "team.transfer")).toMatchObject({ teamId: lions, targetId: manager });
  });

  it("adds a player given the team role on Discord and removes one whose role is taken, auditing each once as made on Discord", async () => {
    await markLions();
    const follower = follow();
    await firstSync(follower);
    const before = (await fromDiscord()).length;

    await moderatorChanges(freeAgent, { add: [lions] });
    await rosterBecomes(lions, [manager, player, freeAgent]);
    await follower.idle();
    const added = (await fromDiscord()).slice(0, (await fromDiscord()).length - before);
    expect(added).toEqual([expect.objectContaining({ action: "team.adopt", teamId: lions, targetId: freeAgent, detail: "team role given on Discord" })]);

    // A replayed event (a resume) finds the roster as it should be: nothing is written or audited again.
    follower.memberChanged({ guildId: GUILD_ID, userId: freeAgent });
    follower.memberChanged({ guildId: GUILD_ID, userId: player });
    await follower.idle();
    expect((await fromDiscord()).length).toBe(before + 1);

    await moderatorChanges(freeAgent, { remove: [lions] });
    await rosterBecomes(lions, [manager, player]);
    await follower.idle();
    expect(await store().teamOf(freeAgent)).toBeNull();
    const [latest] = await fromDiscord();
    expect(latest).toMatchObject({ action: "team.remove", teamId: lions, targetId: freeAgent, detail: "team role taken on Discord" });
    expect((await fromDiscord()).length).toBe(before + 2);
  });

  it("disbands the team whose role is deleted on Discord", async () => {
    await markLions();
    const follower = follow();
    await firstSync(follower);

    await control(emulator, "DELETE", `roles/${lions}`);
    await expect.poll(async () => store().team(lions), { timeout: 5_000, interval: 50 }).toBeNull();
    await follower.idle();
    expect(await store().wasDisbanded(lions)).toBe(true);
    expect(await store().teamOf(manager)).toBeNull();
    expect(await store().teamOf(player)).toBeNull();
    expect(await redis.zrange(keys.teamIndex, 0, "-1")).toEqual([]);
    const disbands = (await fromDiscord()).filter((entry) => entry.action === "team.disband");
    expect(disbands).toEqual([expect.objectContaining({ teamId: lions, detail: "team role deleted on Discord; 2 members off the roster" })]);
  });

  it("makes the manager whoever holds the team manager role with the team role", async () => {
    await markLions();
    const follower = follow();
    await firstSync(follower);

    await moderatorChanges(manager, { remove: [ROLE_IDS.teamManager] });
    await expect.poll(async () => (await store().team(lions))?.managerId, { timeout: 5_000, interval: 50 }).toBeNull();
    await moderatorChanges(player, { add: [ROLE_IDS.teamManager] });
    await expect.poll(async () => (await store().team(lions))?.managerId, { timeout: 5_000, interval: 50 }).toBe(player);
    // The team manager role alone, without the team's role, makes nobody a manager.
    await moderatorChanges(freeAgent, { add: [ROLE_IDS.teamManager] });
    await follower.idle();
    await moderatorChanges(player, { remove: [ROLE_IDS.teamManager] });
    await expect.poll(async () => (await store().team(lions))?.managerId, { timeout: 5_000, interval: 50 }).toBeNull();
    await follower.idle();
    expect(await roster(lions)).toEqual([manager, player].sort());
  });

  it("keeps a member holding two team roles on the older team's roster, flags it, and moves them when that role is taken", async () => {
    await markLions();
    const follower = follow();
    await firstSync(follower);
    const eagles = (await control<{ id: string }>(emulator, "POST", "roles", { name: "Abuja Eagles", permissions: "0" })).id;
    await redis.hset(keys.markedTeamRoles, eagles, admin);

    await moderatorChanges(newcomer, { add: [eagles, lions] });
    await rosterBecomes(lions, [manager, player, newcomer]);
    await follower.idle();
    expect(await store().team(eagles)).toBeNull();
    expect((await fromDiscord())[0]).toMatchObject({ targetId: newcomer, detail: expect.stringContaining("also holds the team role of Abuja Eagles") });

    await moderatorChanges(newcomer, { remove: [lions] });
    await rosterBecomes(eagles, [newcomer]);
    expect(await roster(lions)).toEqual([manager, player].sort());
    expect(await store().team(eagles)).toMatchObject({ name: "Abuja Eagles", tag: "AE" });
  });

  it("mirrors Discord past the roster cap and flags it in the audit log", async () => {
    await markLions();
    const follower = follow({ rosterMax: 2 });
    await firstSync(follower);

    await moderatorChanges(freeAgent, { add: [lions] });
    await rosterBecomes(lions, [manager, player, freeAgent]);
    await follower.idle();
    expect((await fromDiscord())[0]).toMatchObject({ targetId: freeAgent, detail: "team role given on Discord; roster 3/2: over the cap" });
  });

  it("never makes a team of a role that grants permissions, even one marked behind the checks' back", async () => {
    await markLions();
    await redis.hset(keys.markedTeamRoles, ROLE_IDS.moderator, admin);
    await firstSync(follow());
    expect(await store().team(ROLE_IDS.moderator)).toBeNull();
    expect(await store().teamOf(manager)).toBe(lions);
  });

  it("leaves a marked role whose name another team holds as it is, as marking does", async () => {
    await markLions();
    await redis.hset(keys.teamNames, teamNameKey("Lagos Lions"), "1100000000000000999");
    const follower = follow();
    await expect.poll(async () => (await readMirrorStatus(redis, GUILD_ID)).live, { timeout: 10_000, interval: 50 }).toBe(true);
    await moderatorChanges(freeAgent, { add: [lions] });
    await expect.poll(async () => ((await redis.hget(mirror.members, freeAgent)) ?? "").includes(lions), { timeout: 5_000, interval: 50 }).toBe(true);
    await follower.idle();
    expect(await store().team(lions)).toBeNull();
    expect(await store().teamOf(manager)).toBeNull();
    expect(await store().teamOf(freeAgent)).toBeNull();
    expect(await fromDiscord()).toEqual([]);
  });

  it("repairs drift between Redis and the guild after a resync", async () => {
    await markLions();
    const follower = follow();
    await firstSync(follower);
    const ghost = "1299999999999999999";
    // Behind the follow-up's back: the player is dropped, a stranger is listed, the manager is forgotten.
    await redis.zrem(keys.members(lions), player);
    await redis.hdel(keys.userTeam, player);
    await redis.zadd(keys.members(lions), 1, ghost);
    await redis.hset(keys.userTeam, ghost, lions);
    await redis.hset(keys.team(lions), "managerId", "");

    // Past the 30 s all-members limit, so the resync is not held back.
    clockOffsetMs = 31_000;
    await control(emulator, "POST", "gateway/invalidate-session", { resumable: false });
    await expect.poll(async () => (await readMirrorStatus(redis, GUILD_ID)).resyncCount, { timeout: 10_000, interval: 50 }).toBe(2);
    await rosterBecomes(lions, [manager, player], 10_000);
    await expect.poll(async () => (await store().team(lions))?.managerId, { timeout: 5_000, interval: 50 }).toBe(manager);
    await follower.idle();
    expect(await store().teamOf(ghost)).toBeNull();
    expect(await store().teamOf(player)).toBe(lions);
    expect(await redis.hexists(mirror.members, ghost)).toBe(0);
  });
});

describe("the dashboard's own changes, arriving again from the Gateway", () => {
  let world: World;
  let worker: GatewayWorker;
  let follower: DiscordFollower;

  beforeEach(async () => {
    world = await createWorld();
    follower = createDiscordFollower(
      createFollowContext({ redis: world.redis, guildId: GUILD_ID, roleIds, rosterMax: 23, log: pino({ level: "silent" }), prefix: `${world.prefix}safa:` }),
      { retryPauseMs: 100 },
    );
    worker = createGatewayWorker({
      redis: world.redis,
      guildId: GUILD_ID,
      botToken,
      apiBase: world.emu.apiBase,
      policy: quickPolicy,
      onMemberChanged: (change) => follower.memberChanged(change),
      onRoleDeleted: (deleted) => follower.roleDeleted(deleted),
      onResynced: (resynced) => follower.resynced(resynced),
    });
    worker.start();
    // The mirror under the app's own keys, where an admin's marking looks for it.
    await expect.poll(async () => (await readMirrorStatus(world.redis, GUILD_ID)).live, { timeout: 10_000, interval: 50 }).toBe(true);
  });
  afterEach(async () => {
    await worker.stop("abandon");
    await follower.stop();
    await world.close();
  });

  /** Waits until the mirror shows `userId` holding (or not) `roleId`, then until the follow-up has nothing left. */
  async function mirrored(userId: string, roleId: string, held: boolean): Promise<void> {
    const members = gatewayKeyspace(GUILD_ID).members;
    await expect.poll(async () => ((await world.redis.hget(members, userId)) ?? "").includes(roleId), { timeout: 5_000, interval: 50 }).toBe(held);
    await follower.idle();
  }

  it("recognises a created team, an approval and a removal as already applied: each is audited once, by its user", async () => {
    const created = await world.service.createTeam(users.freeagent, { name: "Cape Town Cobras", tag: "CTC" });
    const teamId = created.teamId ?? "";
    await mirrored(users.freeagent.id, teamId, true);
    await world.service.requestToJoin(users.freeagent2, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
    await mirrored(users.freeagent2.id, teamId, true);
    await world.service.removeMember(users.freeagent, teamId, users.freeagent2.id);
    await mirrored(users.freeagent2.id, teamId, false);

    const entries = await readAudit(world.redis, world.keys.audit, 100);
    expect(entries.filter((entry) => entry.actorName === "made on Discord")).toEqual([]);
    expect(entries.filter((entry) => entry.teamId === teamId).map((entry) => entry.action)).toEqual(["team.remove", "team.approve", "team.request", "team.create"]);
    const store = createTeamStore(world.redis, world.keys);
    expect((await store.members(teamId)).map((entry) => entry.userId)).toEqual([users.freeagent.id]);
    expect(await store.team(teamId)).toMatchObject({ managerId: users.freeagent.id });

    // The same team role given by a moderator on Discord is followed, and audited as made there.
    await world.emu.control(`members/${users.freeagent3.id}/roles`, { body: { add: [teamId] } });
    await mirrored(users.freeagent3.id, teamId, true);
    expect((await store.members(teamId)).map((entry) => entry.userId)).toEqual([users.freeagent.id, users.freeagent3.id]);
    expect((await readAudit(world.redis, world.keys.audit, 1))[0]).toMatchObject({ actorName: "made on Discord", action: "team.adopt", targetId: users.freeagent3.id });
  });
});

describe("marking a role as a team while the mirror is live", () => {
  let world: World;
  let worker: GatewayWorker;

  beforeEach(async () => {
    world = await createWorld();
    worker = createGatewayWorker({ redis: world.redis, guildId: GUILD_ID, botToken, apiBase: world.emu.apiBase, policy: quickPolicy });
    worker.start();
    await expect.poll(async () => (await readMirrorStatus(world.redis, GUILD_ID)).live, { timeout: 10_000, interval: 50 }).toBe(true);
  });
  afterEach(async () => {
    await worker.stop("abandon");
    await world.close();
  });

  it("puts every holder of the role on the new team's roster at once, the manager from the team manager role", async () => {
    const [result] = await world.seedDemoTeams();
    expect(result?.message).toBe("Lagos Lions is now a team. Everyone who holds its role is on its roster.");
    const store = createTeamStore(world.redis, world.keys);
    expect((await store.members(lions)).map((entry) => entry.userId).sort()).toEqual([manager, player].sort());
    expect(await store.team(lions)).toMatchObject({ managerId: manager, adopted: true });
    // Marking again changes nothing, and follows nothing twice.
    const audited = (await readAudit(world.redis, world.keys.audit, 100)).length;
    expect((await world.seedDemoTeams())[0]?.applied).toBe(false);
    expect((await readAudit(world.redis, world.keys.audit, 100)).length).toBe(audited);
  });
});
