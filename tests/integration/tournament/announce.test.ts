import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changeWindow, transferStatus } from "@/lib/tournament";
import { createWorld, users, type World } from "../../helpers/teams-world";
import { announcingWorld } from "../transactions/outbox-kit";

/**
 * A scheduled opening or closing reaches the transactions channel once,
 * posted by the outbox's drainer to the emulator's channel, however many
 * reads observe it after its time.
 */

let world: World;
let channel: ReturnType<typeof announcingWorld>;
let offsetMs = 0;
const minute = 60_000;

beforeEach(async () => {
  world = await createWorld();
  channel = announcingWorld(world);
  offsetMs = 0;
  world.context.now = () => Date.now() + offsetMs;
});

afterEach(async () => {
  await channel.close();
  await world.close();
});

describe("a scheduled window change in the transactions channel", () => {
  it("is posted once, after its time, when the first read observes it", async () => {
    await changeWindow(world.context, users.admin, { change: "close", at: world.context.now() + minute });
    await changeWindow(world.context, users.admin, { change: "open", at: world.context.now() + 3 * minute });
    const drainer = channel.drainer();
    await drainer.drainOnce();
    expect(await channel.contents()).toEqual([]);

    offsetMs = 2 * minute;
    await Promise.all([transferStatus(world.context, users.freeagent.id), transferStatus(world.context, users.freeagent2.id)]);
    offsetMs = 4 * minute;
    await Promise.all([transferStatus(world.context, users.freeagent.id), transferStatus(world.context, users.freeagent2.id)]);
    for (let round = 0; round < 20 && (await channel.backlog()) > 0; round += 1) await drainer.drainOnce();

    expect(await channel.contents()).toEqual(["The transfer window is closed (at the scheduled time)", "The transfer window is open (at the scheduled time)"]);
  });
});
