import { GatewayDispatchEvents } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { createIdentifyBudget } from "../../../emulator/gateway/identify-budget";
import { createSessionRegistry, type DispatchRecord } from "../../../emulator/gateway/session";

function manualClock(start = 1_000_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

function registry(time = manualClock()) {
  return createSessionRegistry({ clock: time.clock, resumeWindowMs: 10_000, replayLimit: 3 });
}

function sink() {
  const delivered: DispatchRecord[] = [];
  return { delivered, deliver: (record: DispatchRecord) => delivered.push(record) };
}

describe("gateway sessions", () => {
  it("numbers dispatches per session from 1 and delivers them while attached", () => {
    const sessions = registry();
    const a = sink();
    const b = sink();
    const first = sessions.create({ intents: 1, largeThreshold: 50, sink: a });
    const second = sessions.create({ intents: 1, largeThreshold: 50, sink: b });
    sessions.dispatch(first, GatewayDispatchEvents.Ready, {});
    sessions.dispatch(first, GatewayDispatchEvents.GuildCreate, {});
    sessions.dispatch(second, GatewayDispatchEvents.Ready, {});
    expect(a.delivered.map((record) => record.s)).toEqual([1, 2]);
    expect(b.delivered.map((record) => record.s)).toEqual([1]);
    expect(first.id).not.toBe(second.id);
  });

  it("buffers while detached and replays only what came after seq", () => {
    const sessions = registry();
    const live = sink();
    const session = sessions.create({ intents: 1, largeThreshold: 50, sink: live });
    sessions.dispatch(session, GatewayDispatchEvents.Ready, {});
    sessions.detach(session);
    sessions.dispatch(session, GatewayDispatchEvents.GuildMemberUpdate, { n: 1 });
    sessions.dispatch(session, GatewayDispatchEvents.GuildMemberUpdate, { n: 2 });
    expect(live.delivered).toHaveLength(1);
    expect(sessions.replayAfter(session, 1)).toEqual({ ok: true, records: [expect.objectContaining({ s: 2 }), expect.objectContaining({ s: 3 })] });
  });

  it("keeps at most replayLimit dispatches and refuses a seq older than those kept, or ahead of the session", () => {
    const sessions = registry();
    const session = sessions.create({ intents: 1, largeThreshold: 50, sink: sink() });
    for (let n = 0; n < 5; n += 1) sessions.dispatch(session, GatewayDispatchEvents.GuildMemberUpdate, { n });
    expect(session.replay.map((record) => record.s)).toEqual([3, 4, 5]);
    expect(sessions.replayAfter(session, 1)).toEqual({ ok: false });
    expect(sessions.replayAfter(session, 2)).toMatchObject({ ok: true, records: [{ s: 3 }, { s: 4 }, { s: 5 }] });
    expect(sessions.replayAfter(session, 6)).toEqual({ ok: false });
  });

  it("does not buffer an unbuffered dispatch (RESUMED) but still numbers it", () => {
    const sessions = registry();
    const session = sessions.create({ intents: 1, largeThreshold: 50, sink: sink() });
    sessions.dispatch(session, GatewayDispatchEvents.Ready, {});
    sessions.dispatch(session, GatewayDispatchEvents.Resumed, {}, false);
    sessions.dispatch(session, GatewayDispatchEvents.GuildMemberUpdate, {});
    expect(session.replay.map((record) => [record.t, record.s])).toEqual([
      [GatewayDispatchEvents.Ready, 1],
      [GatewayDispatchEvents.GuildMemberUpdate, 3],
    ]);
    expect(sessions.replayAfter(session, 2)).toMatchObject({ ok: true, records: [{ s: 3 }] });
  });

  it("forgets a detached session once the resume window has passed, never an attached one", () => {
    const time = manualClock();
    const sessions = registry(time);
    const detached = sessions.create({ intents: 1, largeThreshold: 50, sink: sink() });
    const attached = sessions.create({ intents: 1, largeThreshold: 50, sink: sink() });
    sessions.detach(detached);
    time.advance(10_000);
    expect(sessions.find(detached.id)).toBe(detached);
    time.advance(1);
    expect(sessions.find(detached.id)).toBeUndefined();
    time.advance(1_000_000);
    expect(sessions.find(attached.id)).toBe(attached);
  });
});

describe("identify budget", () => {
  it("allows max_concurrency IDENTIFYs per 5 s", () => {
    const time = manualClock();
    const budget = createIdentifyBudget({ clock: time.clock, total: 100, maxConcurrency: 2 });
    expect([budget.take(), budget.take(), budget.take()]).toEqual(["ok", "ok", "too-fast"]);
    time.advance(4_999);
    expect(budget.take()).toBe("too-fast");
    time.advance(1);
    expect(budget.take()).toBe("ok");
  });

  it("counts session starts per 24 h from the first, and reports remaining and reset_after", () => {
    const time = manualClock();
    const budget = createIdentifyBudget({ clock: time.clock, total: 2, maxConcurrency: 10 });
    expect(budget.snapshot()).toEqual({ total: 2, remaining: 2, reset_after: 0, max_concurrency: 10 });
    budget.take();
    time.advance(1_000);
    budget.take();
    expect(budget.take()).toBe("exhausted");
    expect(budget.snapshot()).toEqual({ total: 2, remaining: 0, reset_after: 86_399_000, max_concurrency: 10 });
    time.advance(86_399_000);
    expect(budget.snapshot().remaining).toBe(2);
    expect(budget.take()).toBe("ok");
  });

  it("does not spend the day's budget on an IDENTIFY refused for going too fast", () => {
    const budget = createIdentifyBudget({ clock: manualClock().clock, total: 5, maxConcurrency: 1 });
    budget.take();
    budget.take();
    budget.take();
    expect(budget.snapshot().remaining).toBe(4);
  });
});
