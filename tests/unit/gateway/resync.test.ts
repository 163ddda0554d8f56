import type { GatewayRequestGuildMembers } from "discord-api-types/v10";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MirrorOp } from "@/lib/gateway/mirror-ops";
import { createResync } from "@/lib/gateway/resync";
import { member, membersChunk, membersRateLimited, testGuildId } from "./dispatches";

describe("a full members resync", () => {
  let sent: GatewayRequestGuildMembers[];
  let queued: MirrorOp[];
  let resync: ReturnType<typeof createResync>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    queued = [];
    resync = createResync({
      guildId: testGuildId,
      send: async (payload) => {
        sent.push(payload);
      },
      enqueue: (op) => queued.push(op),
      timeoutMs: 60_000,
      log: pino({ level: "silent" }),
    });
  });
  afterEach(() => {
    resync.stop();
    vi.useRealTimers();
  });

  const nonceOf = (index: number) => sent[index]?.d.nonce ?? "";

  it("marks the mirror resyncing, then asks for everyone with a nonce", () => {
    resync.start();
    expect(queued).toEqual([{ t: "resync-begin" }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.d).toMatchObject({ guild_id: testGuildId, query: "", limit: 0 });
    expect(nonceOf(0)).toMatch(/^[0-9a-f]{16}$/);
    expect(resync.running()).toBe(true);
  });

  it("finishes once every chunk index arrived, whatever their order and duplicates", () => {
    resync.start();
    const nonce = nonceOf(0);
    expect(resync.observe(membersChunk(2, [member("1", [])], 2, 3, nonce))).toEqual([]);
    expect(resync.observe(membersChunk(3, [member("2", [])], 0, 3, nonce))).toEqual([]);
    expect(resync.observe(membersChunk(4, [member("2", [])], 0, 3, nonce))).toEqual([]);
    expect(resync.observe(membersChunk(5, [member("3", [])], 1, 3, nonce))).toEqual([{ t: "resync-finish" }]);
    expect(resync.running()).toBe(false);
  });

  it("does not count chunks answering another request", () => {
    resync.start();
    expect(resync.observe(membersChunk(2, [], 0, 1, "someone-elses"))).toEqual([]);
    expect(resync.running()).toBe(true);
  });

  it("on RATE_LIMITED waits retry_after, then asks again with a new nonce", () => {
    resync.start();
    resync.observe(membersRateLimited(2, nonceOf(0), 29.4));
    vi.advanceTimersByTime(29_399);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(2);
    expect(nonceOf(1)).not.toBe(nonceOf(0));
    expect(resync.observe(membersChunk(3, [], 0, 1, nonceOf(0)))).toEqual([]);
    expect(resync.observe(membersChunk(4, [], 0, 1, nonceOf(1)))).toEqual([{ t: "resync-finish" }]);
  });

  it("asks again when no answer completes in time", () => {
    resync.start();
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(2);
  });
});
