import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { openStreamCount } from "@/lib/events/open-stream";
import { publishNotice } from "@/lib/events/publish";
import { eventPolicy } from "@/lib/events/policy";
import { sampleRoles, streamKit, user } from "./stream-kit";

let kit: ReturnType<typeof streamKit>;

beforeEach(() => {
  kit = streamKit();
});

afterEach(async () => {
  await kit.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("GET /api/events stream", () => {
  it("answers with the event-stream headers and starts with a ready event carrying the log's end", async () => {
    const hub = await kit.process();
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    const [[lastId]] = (await kit.redis.xrevrange(kit.keys.notices(user.id), "+", "-", "COUNT", 1)) as [[string, string[]]];
    const { response, events } = await kit.open(hub);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    // The data as of the stream's start rides on the first event; what happened before is not pushed again.
    expect(await events.next()).toEqual({ event: "ready", id: lastId, data: { resumed: false, team: { team: "current" }, roles: sampleRoles } });
    expect(await events.next(300)).toBeNull();
  });

  it("starts from data read after the log's end, so a change made while the page loaded is not lost", async () => {
    const hub = await kit.process();
    let team = "before";
    // The page read its team ("before"); the change lands while the stream opens.
    const { events } = await kit.open(hub, {
      deps: {
        readTeam: async () => ({ team }),
        readRoles: async () => {
          team = "after";
          await publishNotice(kit.redis, kit.keys, [user.id], { kind: "team", teamId: "1" });
          // Long enough for the process to hear the notice while the stream is still starting:
          // it must wait for `ready`, not push ahead of it.
          await pause(200);
          return null;
        },
      },
    });
    const ready = await events.next();
    expect(ready?.event).toBe("ready");
    // Roles the mirror and the cache do not know are left out: the page has just asked for them.
    expect(ready?.data).toEqual({ resumed: false, team: { team: "before" } });
    // The notice came after the log's end the stream started from: it is pushed with the new data.
    expect(await events.next()).toMatchObject({ event: "team", data: { team: "after" } });
  });

  it("fans a notice out to the user's streams in two processes, with the current data, and to no one else", async () => {
    const [first, second] = [await kit.process(), await kit.process()];
    const a = await kit.open(first);
    const b = await kit.open(second);
    const stranger = await kit.open(second, { as: { id: "1200000000000000001", name: "Outsider", sessionId: "other" } });
    for (const stream of [a, b, stranger]) expect((await stream.events.next())?.event).toBe("ready");

    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    for (const stream of [a, b]) {
      const event = await stream.events.next();
      expect(event?.event).toBe("roles");
      expect(event?.data).toEqual(sampleRoles);
      expect(event?.id).toMatch(/^\d+-\d+$/);
    }
    expect(await stranger.events.next(300)).toBeNull();
  });

  it("collapses a burst of notices into one push per kind, the team first, the id on the last", async () => {
    const hub = await kit.process();
    const { events } = await kit.open(hub, { deps: { readTeam: async () => ({ team: "Lagos Lions" }) } });
    await events.next();
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "team", teamId: "1" });
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    const [[lastId]] = (await kit.redis.xrevrange(kit.keys.notices(user.id), "+", "-", "COUNT", 1)) as [[string, string[]]];
    const seen = [];
    for (let event = await events.next(); event !== null; event = await events.next(300)) seen.push(event);
    // One or two batches, depending on when the wake-ups land; never stale and never more than three pushes.
    expect(seen.length).toBeLessThanOrEqual(3);
    expect(seen.at(-1)?.id).toBe(lastId);
    expect(seen.map((event) => event.event)).toContain("team");
    expect(seen.find((event) => event.event === "team")?.data).toEqual({ team: "Lagos Lions" });
  });

  it("a reconnect with Last-Event-ID gets the current roles and team, the id at the log's end, then only what comes later", async () => {
    const hub = await kit.process();
    const first = await kit.open(hub);
    await first.events.next();
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    const seen = await first.events.next();
    expect(seen?.event).toBe("roles");
    first.abort();

    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "team", teamId: "1" });
    const [[lastId]] = (await kit.redis.xrevrange(kit.keys.notices(user.id), "+", "-", "COUNT", 1)) as [[string, string[]]];
    const again = await kit.open(hub, { lastEventId: seen?.id ?? null });
    expect(await again.events.next()).toEqual({ event: "ready", id: null, data: { resumed: true } });
    expect(await again.events.next()).toEqual({ event: "team", id: null, data: { team: "current" } });
    expect(await again.events.next()).toEqual({ event: "roles", id: lastId, data: sampleRoles });
    expect(await again.events.next(300)).toBeNull();
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    expect((await again.events.next())?.event).toBe("roles");
  });

  it("a tab that opened before the user's first notice gets the current data on reconnect, without a refetch", async () => {
    const hub = await kit.process();
    const first = await kit.open(hub);
    const ready = await first.events.next();
    expect(ready).toEqual({ event: "ready", id: "0-0", data: { resumed: false, team: { team: "current" }, roles: sampleRoles } });
    first.abort();
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    const again = await kit.open(hub, { lastEventId: ready?.id ?? null });
    expect((await again.events.next())?.event).toBe("ready");
    expect((await again.events.next())?.event).toBe("team");
    expect((await again.events.next())?.event).toBe("roles");
  });

  it("tells the tab to refetch when its Last-Event-ID is older than the log keeps, unknown, or from an expired log", async () => {
    const hub = await kit.process();
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    const [[oldest]] = (await kit.redis.xrange(kit.keys.notices(user.id), "-", "+", "COUNT", 1)) as [[string, string[]]];
    for (let index = 0; index < eventPolicy.noticesPerUserMax * 2; index += 1) await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    expect(await kit.redis.xlen(kit.keys.notices(user.id))).toBeLessThan(eventPolicy.noticesPerUserMax * 2);
    const [[lastId]] = (await kit.redis.xrevrange(kit.keys.notices(user.id), "+", "-", "COUNT", 1)) as [[string, string[]]];

    const trimmed = await kit.open(hub, { lastEventId: oldest });
    expect(await trimmed.events.next()).toEqual({ event: "refetch", id: lastId, data: { queries: ["roles", "team"] } });
    expect(await trimmed.events.next(300)).toBeNull();

    const forged = await kit.open(hub, { lastEventId: "999999999999999-0" });
    expect(await forged.events.next()).toEqual({ event: "refetch", id: lastId, data: { queries: ["roles", "team"] } });

    const ancient = await kit.open(hub, { lastEventId: "1-0" });
    expect((await ancient.events.next())?.event).toBe("refetch");

    const expired = await kit.open(hub, { lastEventId: lastId, as: { id: "1200000000000000008", name: "Free Agent 3", sessionId: "s3" } });
    expect(await expired.events.next()).toEqual({ event: "refetch", id: "0-0", data: { queries: ["roles", "team"] } });
  });

  it("caps the streams of one user across processes with a 429 and a sentence, and frees a slot when a tab closes", async () => {
    const [first, second] = [await kit.process(), await kit.process()];
    const policy = { streamsPerUserMax: 2 };
    const a = await kit.open(first, { policy });
    await kit.open(second, { policy });
    const refused = await kit.open(first, { policy }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect((refused as ApiError).message).toMatch(/at most 2 open tabs/);
    expect(await kit.redis.zcard(kit.keys.openStreams(user.id))).toBe(2);

    a.abort();
    await pause(50);
    const c = await kit.open(second, { policy });
    expect((await c.events.next())?.event).toBe("ready");
  });

  it("leaves nothing behind when the tab goes: listener, slot, timers, open count", async () => {
    const hub = await kit.process();
    const before = openStreamCount();
    let reads = 0;
    const stream = await kit.open(hub, { deps: { readTeam: async () => ({ reads: ++reads }) } });
    await stream.events.next();
    expect(openStreamCount()).toBe(before + 1);
    const readsAtStart = reads;
    stream.abort();
    expect(await stream.events.ends()).toBe(true);
    expect(openStreamCount()).toBe(before);
    await pause(50);
    expect(await kit.redis.zcard(kit.keys.openStreams(user.id))).toBe(0);
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "team", teamId: "1" });
    await pause(200);
    expect(reads).toBe(readsAtStart);

    // The reader's side closing (the response piped to a socket that closed) cleans up the same way.
    const other = await kit.open(hub);
    await other.events.next();
    await other.events.cancel();
    expect(openStreamCount()).toBe(before);
  });

  it("sends a comment on a quiet stream and renews the slot's lease", async () => {
    const hub = await kit.process();
    const stream = await kit.open(hub, { policy: { heartbeatMinMs: 40, heartbeatMaxMs: 60, slotLeaseMs: 5_000 } });
    await stream.events.next();
    const leaseEnd = async () => Number((await kit.redis.zrange(kit.keys.openStreams(user.id), 0, "0", "WITHSCORES"))[1]);
    const leaseBefore = await leaseEnd();
    await pause(200);
    await stream.events.next(50);
    expect(stream.events.comments()).toBeGreaterThanOrEqual(2);
    const leaseAfter = await leaseEnd();
    expect(leaseAfter).toBeGreaterThan(leaseBefore);
    // Every other slot gone with the key (their tabs closed, their leases swept): the next beat
    // makes the key again, and it must still be forgotten on its own.
    await kit.redis.del(kit.keys.openStreams(user.id));
    await pause(200);
    expect(await kit.redis.zcard(kit.keys.openStreams(user.id))).toBe(1);
    const ttl = await kit.redis.pttl(kit.keys.openStreams(user.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it("closes with session-ended once the session is gone, on the next notice or the periodic check", async () => {
    const hub = await kit.process();
    let alive = true;
    const onNotice = await kit.open(hub, { deps: { sessionAlive: async () => alive } });
    const periodic = await kit.open(hub, { deps: { sessionAlive: async () => alive }, policy: { sessionCheckMs: 100 }, as: { ...user, sessionId: "second" } });
    await onNotice.events.next();
    await periodic.events.next();
    alive = false;
    await publishNotice(kit.redis, kit.keys, [user.id], { kind: "roles" });
    expect((await onNotice.events.next())?.event).toBe("session-ended");
    expect(await onNotice.events.ends()).toBe(true);
    const last = await periodic.events.next();
    expect(last?.event).toBe("session-ended");
    expect(await periodic.events.ends()).toBe(true);
  });

  it("a reader that stops reading holds a bounded buffer and is dropped after a while", async () => {
    const hub = await kit.process();
    let reads = 0;
    const big = "x".repeat(4_000);
    const before = openStreamCount();
    await kit.open(hub, {
      deps: {
        readTeam: async () => {
          reads += 1;
          return { big };
        },
      },
      policy: { bufferedBytesMax: 8_000, heartbeatMinMs: 30, heartbeatMaxMs: 30, stuckReaderMaxMs: 200 },
    });
    for (let index = 0; index < 30; index += 1) {
      await publishNotice(kit.redis, kit.keys, [user.id], { kind: "team", teamId: "1" });
      await pause(5);
    }
    await pause(100);
    // Nothing is read, so production stops once the buffer is full: a few pushes, not thirty.
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(3);
    await pause(400);
    expect(openStreamCount()).toBe(before);
    expect(await kit.redis.zcard(kit.keys.openStreams(user.id))).toBe(0);
  });
});
