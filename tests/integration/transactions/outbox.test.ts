import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import { DiscordAPIError, RateLimitedError, type DiscordRest } from "@/lib/discord/rest";
import { saveProfile } from "@/lib/profile/save-profile";
import { changeWindow } from "@/lib/tournament/change-window";
import { announcementOf } from "@/lib/transactions";
import { createWorld, users, type World } from "../../helpers/teams-world";
import { announcingWorld, channelId, until } from "./outbox-kit";

/**
 * The transactions channel against a real Redis and the emulator: every
 * applied roster change is posted once, in order, whatever fails between
 * the commit and Discord's answer.
 */

const messageRoute = "POST /channels/:channel_id/messages";

let world: World;
let channel: ReturnType<typeof announcingWorld>;

beforeEach(async () => {
  world = await createWorld();
  channel = announcingWorld(world);
});

afterEach(async () => {
  await channel.close();
  await world.close();
});

async function createTeam(name = "Cape Town Cobras", tag = "CTC"): Promise<string> {
  const result = await world.service.createTeam(users.freeagent, { name, tag });
  if (result.teamId === null) throw new Error("no team id");
  return result.teamId;
}

async function sign(teamId: string, manager: { id: string; name: string }, player: { id: string; name: string }): Promise<void> {
  await world.service.requestToJoin(player, teamId);
  expect((await world.service.approveRequest(manager, teamId, player.id)).applied).toBe(true);
}

/** What the channel must show: the announced audit entries, oldest first. */
async function expectedAnnouncements(): Promise<string[]> {
  const entries = (await readAudit(world.redis, world.keys.audit, 500)).reverse();
  return entries.flatMap((entry) => announcementOf(JSON.stringify(entry)) ?? []);
}

async function drainAll(): Promise<void> {
  const drainer = channel.drainer();
  for (let round = 0; round < 50 && (await channel.backlog()) > 0; round += 1) await drainer.drainOnce();
  expect(await channel.backlog()).toBe(0);
}

describe("the transactions channel", () => {
  it("announces every applied roster change once, in order, mentioning players without pinging them", async () => {
    const { freeagent: manager, freeagent2: second, freeagent3: third } = users;
    await saveProfile(world.context, users.newcomer, { gamerTag: "Quiet_1", platform: "pc", eaFcId: "quiet1", country: "NG", position: "MID" });
    const teamId = await createTeam();
    await sign(teamId, manager, second);
    await world.service.requestToJoin(third, teamId);
    await world.service.declineRequest(manager, teamId, third.id);
    await sign(teamId, manager, third);
    await world.service.transferManager(manager, teamId, second.id);
    await world.service.removeMember(second, teamId, third.id);
    await world.service.removeMember(manager, teamId, manager.id);
    await world.service.disbandTeam(users.admin, teamId);
    await drainAll();

    const contents = await channel.contents();
    expect(contents).toEqual([
      `**Cape Town Cobras** founded, managed by <@${manager.id}> (tag CTC)`,
      `**Cape Town Cobras** signed <@${second.id}> (roster 2/23)`,
      `**Cape Town Cobras** signed <@${third.id}> (roster 3/23)`,
      `<@${second.id}> is the new manager of **Cape Town Cobras**`,
      `**Cape Town Cobras** released <@${third.id}>`,
      `<@${manager.id}> left **Cape Town Cobras**`,
      expect.stringMatching(/^\*\*Cape Town Cobras\*\* disbanded/) as unknown as string,
    ]);
    expect(contents).toEqual(await expectedAnnouncements());
    const messages = await channel.messages();
    expect(new Set(messages.map((message) => message.nonce)).size).toBe(messages.length);
    expect(messages.every((message) => message.pinged_user_ids.length === 0)).toBe(true);
    // Drained again, nothing more is posted.
    await channel.drainer().drainOnce();
    expect(await channel.messages()).toHaveLength(messages.length);
  });

  it("announces the transfer window closing and opening, written by the window's own script", async () => {
    expect((await changeWindow(world.context, users.admin, { change: "close" })).applied).toBe(true);
    expect((await changeWindow(world.context, users.admin, { change: "open" })).applied).toBe(true);
    await drainAll();
    expect(await channel.contents()).toEqual(["The transfer window is closed", "The transfer window is open"]);
  });

  it("writes nothing to the outbox when no channel is configured", async () => {
    world.context.announceChanges = false;
    const teamId = await createTeam();
    await sign(teamId, users.freeagent, users.freeagent2);
    await world.service.disbandTeam(users.admin, teamId);
    await changeWindow(world.context, users.admin, { change: "close" });
    expect(await world.redis.exists(world.keys.outbox)).toBe(0);
    expect((await readAudit(world.redis, world.keys.audit, 50)).length).toBeGreaterThan(0);
  });

  it("posts every announcement exactly once through a burst of Discord 5xx answers, while the actions go on", async () => {
    await world.emu.control("faults", { body: { route: messageRoute, kind: "status", status: 503, count: 6 } });
    const drainer = channel.drainer();
    drainer.start();
    const teamId = await createTeam();
    await sign(teamId, users.freeagent, users.freeagent2);
    await sign(teamId, users.freeagent, users.freeagent3);
    await world.service.removeMember(users.freeagent, teamId, users.freeagent3.id);
    await until("the outbox to drain", async () => (await channel.backlog()) === 0);

    expect(await channel.contents()).toEqual(await expectedAnnouncements());
    expect(await channel.messages()).toHaveLength(4);
    const stats = await world.emu.stats();
    expect(stats.routes[messageRoute]?.requests).toBeGreaterThanOrEqual(4 + 6);
  });

  it("shows a post once when the drainer died after Discord answered and before it acknowledged", async () => {
    const teamId = await createTeam();
    const real = channel.restClient();
    // Posts, then dies before XACK: the entry stays pending under a lease nobody renews.
    const dying: Pick<DiscordRest, "post"> = {
      async post(route, options) {
        await real.post(route, options);
        throw new Error("process killed before the acknowledgement");
      },
    };
    const first = await channel.drainer({ rest: dying, drainerId: "worker-that-dies" }).drainOnce();
    expect(first.state).toBe("retrying");
    expect(await channel.messages()).toHaveLength(1);

    await sign(teamId, users.freeagent, users.freeagent2);
    const successor = channel.drainer({ drainerId: "worker-that-stays" });
    // The dead drainer's lease runs out (2 s here), then its pending entry is claimed and posted again.
    expect((await successor.drainOnce()).state).toBe("standby");
    successor.start();
    await until("the outbox to drain", async () => (await channel.backlog()) === 0);

    expect(await channel.contents()).toEqual(await expectedAnnouncements());
    expect(await channel.messages()).toHaveLength(2);
  });

  it("drops an announcement Discord refuses for good (no permission) instead of retrying it forever, and posts again once allowed", async () => {
    await world.emu.control(`channels/${channelId}/permissions`, { body: { send_messages: false } });
    const teamId = await createTeam();
    const drainer = channel.drainer();
    expect(await drainer.drainOnce()).toMatchObject({ refused: 1, posted: 0 });
    expect(await channel.backlog()).toBe(0);
    expect(await channel.messages()).toHaveLength(0);

    await world.emu.control(`channels/${channelId}/permissions`, { body: { send_messages: true } });
    await sign(teamId, users.freeagent, users.freeagent2);
    expect(await drainer.drainOnce()).toMatchObject({ refused: 0, posted: 1 });
    expect(await channel.contents()).toEqual([`**Cape Town Cobras** signed <@${users.freeagent2.id}> (roster 2/23)`]);
  });

  it("waits as long as Discord asks after a 429, and drops what Discord calls invalid instead of sending it again", async () => {
    await createTeam();
    const answers: unknown[] = [new RateLimitedError(300, "bucket", "/channels/:channel_id/messages"), new DiscordAPIError(400, 50_035, "Invalid Form Body", "POST", "/channels/:channel_id/messages")];
    const attempts: unknown[] = [];
    const failing: Pick<DiscordRest, "post"> = {
      post(_route, options) {
        attempts.push(options?.body);
        return Promise.reject(answers.shift() ?? new Error("no more answers"));
      },
    };
    const drainer = channel.drainer({ rest: failing });
    expect(await drainer.drainOnce()).toMatchObject({ state: "retrying", waitMs: 300, posted: 0 });
    expect(await channel.backlog()).toBe(1);
    expect(await drainer.drainOnce()).toMatchObject({ state: "busy", refused: 1 });
    expect(await channel.backlog()).toBe(0);
    // The retry was the same post: same nonce, enforce_nonce, nobody pinged.
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toEqual(attempts[0]);
    expect(attempts[0]).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
  });

  it("keeps the order of the changes with two drainers running (one holds the channel at a time)", async () => {
    channel.drainer({ drainerId: "worker-1" }).start();
    channel.drainer({ drainerId: "worker-2" }).start();
    const teamId = await createTeam();
    for (const player of [users.freeagent2, users.freeagent3]) await sign(teamId, users.freeagent, player);
    await world.service.transferManager(users.freeagent, teamId, users.freeagent2.id);
    await world.service.removeMember(users.freeagent2, teamId, users.freeagent3.id);
    await until("the outbox to drain", async () => (await channel.backlog()) === 0);
    expect(await channel.contents()).toEqual(await expectedAnnouncements());
    expect(await channel.messages()).toHaveLength(5);
  });
});
