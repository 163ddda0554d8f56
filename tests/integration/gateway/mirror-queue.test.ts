import { GatewayDispatchEvents, type GatewayDispatchPayload } from "discord-api-types/v10";
import type { Redis } from "ioredis";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApplyResult } from "@/lib/gateway/apply-ops";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import { acquireLease } from "@/lib/gateway/lease";
import { createMirrorQueue } from "@/lib/gateway/mirror-queue";
import { freshRedis } from "../../helpers/harness";
import { member, memberAdd, membersChunk, memberUpdate, testGuildId } from "../../unit/gateway/dispatches";

/** The ordered queue in front of the mirror script: batching, follow-ups, and the end of a fenced-off leader. */
describe("the mirror queue", () => {
  let redis: Redis;
  const keys = gatewayKeyspace(testGuildId);

  beforeEach(async () => {
    redis = await freshRedis();
  });
  afterEach(() => redis.disconnect());

  async function queue(overrides: { membersPerApply?: number } = {}) {
    const holder = (await acquireLease(redis, keys, "w1", 60_000, Date.now())) ?? "";
    const applied: ApplyResult[] = [];
    const followed: string[] = [];
    let fenced = 0;
    const mirror = createMirrorQueue({
      redis,
      keys,
      holder,
      guildId: testGuildId,
      policy: { membersPerApply: overrides.membersPerApply ?? 2_000, retryPauseMs: 10, cacheTtlSeconds: 60 },
      now: Date.now,
      log: pino({ level: "silent" }),
      extraOps: (payload) => (payload.t === GatewayDispatchEvents.GuildMembersChunk && payload.d.chunk_index === payload.d.chunk_count - 1 ? [{ t: "resync-finish" }] : []),
      afterApplied: (payload) => followed.push(`${payload.t}:${payload.s}`),
      onApplied: async (result) => {
        applied.push(result);
      },
      onFenced: () => (fenced += 1),
    });
    return { mirror, applied, followed, fenced: () => fenced };
  }

  it("applies chunks in order, at most the member budget per script", async () => {
    const { mirror, applied, followed } = await queue({ membersPerApply: 2_000 });
    mirror.step({ t: "resync-begin" });
    for (let chunk = 0; chunk < 5; chunk++) {
      mirror.dispatch(membersChunk(chunk + 1, Array.from({ length: 1_000 }, (_, i) => member(String(20_000_000 + chunk * 1_000 + i), ["100"])), chunk, 5, "n"));
    }
    await expect.poll(() => followed.length).toBe(5);
    expect(followed).toEqual([1, 2, 3, 4, 5].map((s) => `${GatewayDispatchEvents.GuildMembersChunk}:${s}`));
    expect(applied.length).toBeGreaterThanOrEqual(3);
    expect(applied.at(-1)?.sequence).toBe(5);
    expect(await redis.hlen(keys.members)).toBe(5_000);
    expect(await redis.hget(keys.status, "resync")).toBe("done");
  });

  it("keeps arrival order across batches: the last update wins", async () => {
    const { mirror, followed } = await queue({ membersPerApply: 1 });
    const events: GatewayDispatchPayload[] = [memberAdd(1, "31", ["a"]), memberUpdate(2, "31", ["b"]), memberUpdate(3, "31", ["c"])];
    for (const event of events) mirror.dispatch(event);
    await expect.poll(() => followed.length).toBe(3);
    expect(JSON.parse((await redis.hget(keys.members, "31")) ?? "{}")).toMatchObject({ roles: ["c"] });
  });

  it("stops for good when a write is refused, and says so once", async () => {
    const { mirror, followed, fenced } = await queue();
    mirror.dispatch(memberAdd(1, "31", ["a"]));
    await expect.poll(() => followed.length).toBe(1);
    await redis.set(keys.lease, "2:w2");
    mirror.dispatch(memberUpdate(2, "31", ["b"]));
    await expect.poll(() => fenced()).toBe(1);
    mirror.dispatch(memberUpdate(3, "31", ["c"]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fenced()).toBe(1);
    expect(followed).toHaveLength(1);
    expect(JSON.parse((await redis.hget(keys.members, "31")) ?? "{}")).toMatchObject({ roles: ["a"] });
  });
});
