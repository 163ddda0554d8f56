import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import type { GatewayPolicy } from "@/lib/gateway/policy";
import { readMirrorStatus } from "@/lib/gateway/status";
import { createGatewayWorker, type GatewayWorker } from "@/lib/gateway/worker";
import { createDiscordFollower, createFollowContext, type DiscordFollower } from "@/lib/teams/discord-sync";
import { createTeamStore } from "@/lib/teams/store";
import { announcementOf } from "@/lib/transactions";
import { GUILD_ID, ROLE_IDS } from "../../../emulator/fixture";
import { botToken } from "../../helpers/gateway-kit";
import { createWorld, users, type World } from "../../helpers/teams-world";
import { announcingWorld } from "./outbox-kit";

/**
 * Changes made on Discord itself (a moderator gives a team role) reach the
 * rosters through the Gateway worker's follow-up, and are announced like the
 * dashboard's own; the dashboard's changes arriving again from the Gateway
 * are recognised as applied and announced only once.
 */

const roleIds = { updatedProfile: ROLE_IDS.updatedProfile, freeAgent: ROLE_IDS.freeAgent, player: ROLE_IDS.player, teamManager: ROLE_IDS.teamManager, tournamentAdmin: ROLE_IDS.tournamentAdmin };
const quickGateway: Partial<GatewayPolicy> = { leaseMs: 600, renewEveryMs: 150, standbyPollMs: 150, connectRetryMs: 200, retryPauseMs: 50 };

let world: World;
let channel: ReturnType<typeof announcingWorld>;
let worker: GatewayWorker;
let follower: DiscordFollower;

beforeEach(async () => {
  world = await createWorld();
  channel = announcingWorld(world);
  const context = createFollowContext({ redis: world.redis, guildId: GUILD_ID, roleIds, rosterMax: 23, log: pino({ level: "silent" }), prefix: `${world.prefix}safa:`, announceChanges: true });
  follower = createDiscordFollower(context, { retryPauseMs: 100 });
  worker = createGatewayWorker({
    redis: world.redis,
    guildId: GUILD_ID,
    botToken,
    apiBase: world.emu.apiBase,
    policy: quickGateway,
    onMemberChanged: (change) => follower.memberChanged(change),
    onRoleDeleted: (deleted) => follower.roleDeleted(deleted),
    onResynced: (resynced) => follower.resynced(resynced),
  });
  worker.start();
  await expect.poll(async () => (await readMirrorStatus(world.redis, GUILD_ID)).live, { timeout: 10_000, interval: 50 }).toBe(true);
});

afterEach(async () => {
  await worker.stop("abandon");
  await follower.stop();
  await channel.close();
  await world.close();
});

/** Waits until the mirror shows `userId` holding `roleId`, then until the follow-up has nothing left. */
async function mirrored(userId: string, roleId: string): Promise<void> {
  const members = gatewayKeyspace(GUILD_ID).members;
  await expect.poll(async () => ((await world.redis.hget(members, userId)) ?? "").includes(roleId), { timeout: 5_000, interval: 50 }).toBe(true);
  await follower.idle();
}

describe("announcing changes followed from Discord", () => {
  it("announces a team role given on Discord, and the dashboard's own changes once though the Gateway brings them again", async () => {
    const teamId = (await world.service.createTeam(users.freeagent, { name: "Cape Town Cobras", tag: "CTC" })).teamId ?? "";
    await world.service.requestToJoin(users.freeagent2, teamId);
    await world.service.approveRequest(users.freeagent, teamId, users.freeagent2.id);
    await mirrored(users.freeagent2.id, teamId);

    await world.emu.control(`members/${users.freeagent3.id}/roles`, { body: { add: [teamId] } });
    await mirrored(users.freeagent3.id, teamId);
    await expect.poll(async () => (await createTeamStore(world.redis, world.keys).teamOf(users.freeagent3.id)), { timeout: 5_000, interval: 50 }).toBe(teamId);

    const drainer = channel.drainer();
    for (let round = 0; round < 20 && (await channel.backlog()) > 0; round += 1) await drainer.drainOnce();
    const expected = (await readAudit(world.redis, world.keys.audit, 100)).reverse().flatMap((entry) => announcementOf(JSON.stringify(entry)) ?? []);
    expect(await channel.contents()).toEqual([
      `**Cape Town Cobras** founded, managed by <@${users.freeagent.id}> (tag CTC)`,
      `**Cape Town Cobras** signed <@${users.freeagent2.id}> (roster 2/23)`,
      `**Cape Town Cobras** signed <@${users.freeagent3.id}> (team role given on Discord)`,
    ]);
    expect(await channel.contents()).toEqual(expected);
  });
});
