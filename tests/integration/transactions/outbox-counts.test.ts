import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiscordAPIError, RateLimitedError, type DiscordRest } from "@/lib/discord/rest";
import { saveProfile } from "@/lib/profile/save-profile";
import { readOutboxCounts } from "@/lib/transactions/metrics";
import { createWorld, users, type World } from "../../helpers/teams-world";
import { announcingWorld } from "./outbox-kit";

/**
 * The drainer's counts, kept in Redis beside the outbox (the Gateway worker
 * that drains it serves no metrics): a post is counted with the entry it
 * settles, a failed one by why it failed.
 */

const route = "/channels/:channel_id/messages";
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

describe("the drainer's counts", () => {
  it("count posts, refusals and each kind of failed post, and nothing for an entry that is not announced", async () => {
    await saveProfile(world.context, users.newcomer, { gamerTag: "Quiet_1", platform: "pc", eaFcId: "quiet1", country: "NG", position: "MID" });
    const created = await world.service.createTeam(users.freeagent, { name: "Cape Town Cobras", tag: "CTC" });
    if (created.teamId === null) throw new Error("no team id");
    await world.service.requestToJoin(users.freeagent2, created.teamId);
    await world.service.approveRequest(users.freeagent, created.teamId, users.freeagent2.id);

    const real = channel.restClient();
    const answers: unknown[] = [
      new RateLimitedError(300, "bucket", route),
      new DiscordAPIError(503, 0, "Service Unavailable", "POST", route),
      new Error("socket hang up"),
      new DiscordAPIError(403, 50_013, "Missing Permissions", "POST", route),
    ];
    const flaky: Pick<DiscordRest, "post"> = {
      post(path, options) {
        const answer = answers.shift();
        return answer === undefined ? real.post(path, options) : Promise.reject(answer);
      },
    };
    const drainer = channel.drainer({ rest: flaky });
    for (let round = 0; round < 3; round += 1) expect((await drainer.drainOnce()).state).toBe("retrying");
    // The founding is refused for good and dropped; the signing is posted.
    expect(await drainer.drainOnce()).toMatchObject({ refused: 1, posted: 1 });
    expect(await channel.backlog()).toBe(0);
    expect(await channel.messages()).toHaveLength(1);

    expect(await readOutboxCounts(world.redis, world.keys.outboxCounts)).toEqual({ posted: 1, failed: { refused: 1, rate_limited: 1, server_error: 1, no_answer: 1 } });
    expect(await world.redis.hkeys(world.keys.outboxCounts)).not.toContain("skipped");
  });

  it("count each post once, across drainers taking over from each other", async () => {
    const created = await world.service.createTeam(users.freeagent, { name: "Lagos Lions", tag: "LAG" });
    if (created.teamId === null) throw new Error("no team id");
    await channel.drainer({ drainerId: "worker-1" }).drainOnce();
    for (const player of [users.freeagent2, users.freeagent3]) {
      await world.service.requestToJoin(player, created.teamId);
      await world.service.approveRequest(users.freeagent, created.teamId, player.id);
    }
    const first = channel.drainer({ drainerId: "worker-1" });
    await first.drainOnce();
    await first.stop();
    // The lease was given back: the standby takes over at once and finds nothing left to count twice.
    expect(await channel.drainer({ drainerId: "worker-2" }).drainOnce()).toMatchObject({ state: "idle", posted: 0 });
    expect((await readOutboxCounts(world.redis, world.keys.outboxCounts)).posted).toBe(3);
    expect(await channel.messages()).toHaveLength(3);
  });
});
