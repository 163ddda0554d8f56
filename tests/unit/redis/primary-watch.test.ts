import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { watchPrimary, type PrimaryChange } from "@/lib/redis/primary-watch";

/** Just what watchPrimary uses of a connection: its status, its ready events and INFO server, answered when the test says. */
function fakeConnection(status: "ready" | "connecting") {
  const events = new EventEmitter();
  const pending: ((info: string) => void)[] = [];
  const connection = Object.assign(events, {
    status,
    info: () => new Promise<string>((resolve) => pending.push(resolve)),
  });
  const answer = async (runId: string) => {
    pending.shift()?.(`# Server\r\nredis_version:7.0.15\r\nrun_id:${runId}\r\ntcp_port:6379\r\n`);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { redis: connection as unknown as Redis, ready: () => events.emit("ready"), answer };
}

describe("watchPrimary", () => {
  it("stays quiet on the first server and on reconnects to the same one, and speaks once per new server", async () => {
    const { redis, ready, answer } = fakeConnection("ready");
    const changes: PrimaryChange[] = [];
    watchPrimary(redis, (change) => changes.push(change));
    await answer("aaa1");
    ready();
    await answer("aaa1");
    expect(changes).toEqual([]);
    ready();
    await answer("bbb2");
    ready();
    await answer("ccc3");
    expect(changes.map(({ previousRunId, runId }) => [previousRunId, runId])).toEqual([["aaa1", "bbb2"], ["bbb2", "ccc3"]]);
    expect(changes[0]?.at).toBeTypeOf("number");
  });

  it("ignores a late answer from the server before when a newer ready already checked", async () => {
    const { redis, ready, answer } = fakeConnection("connecting");
    const changes: PrimaryChange[] = [];
    watchPrimary(redis, (change) => changes.push(change));
    ready();
    await answer("aaa1");
    ready();
    ready();
    // The first of the two checks is answered last in real life; here the queue answers in order, so the first answer is stale.
    await answer("stale0");
    await answer("bbb2");
    expect(changes.map(({ previousRunId, runId }) => [previousRunId, runId])).toEqual([["aaa1", "bbb2"]]);
  });

  it("stops when told, and survives a listener that throws", async () => {
    const { redis, ready, answer } = fakeConnection("ready");
    let calls = 0;
    const stop = watchPrimary(redis, () => {
      calls++;
      throw new Error("listener bug");
    });
    await answer("aaa1");
    ready();
    await answer("bbb2");
    expect(calls).toBe(1);
    stop();
    ready();
    await answer("ccc3");
    expect(calls).toBe(1);
  });
});
