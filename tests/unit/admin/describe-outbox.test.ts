import { describe, expect, it } from "vitest";
import { describeOutbox, formatAge, writtenAtOf, type OutboxRead } from "@/lib/admin/describe-outbox";

const now = 1_800_000_000_000;
const options = { enabled: true, nowMs: now, behindAfterMs: 180_000 };
const noCounts = { posted: 0, failed: { refused: 0, rate_limited: 0, server_error: 0, no_answer: 0 } };

function read(overrides: Partial<OutboxRead> = {}): OutboxRead {
  return { backlog: 0, oldestId: null, drainerId: "gw-host:4242:a1b2", counts: noCounts, ...overrides };
}

describe("describeOutbox", () => {
  it("is up to date with nothing waiting, and carries the drainer's counts", () => {
    const counts = { posted: 12, failed: { refused: 1, rate_limited: 2, server_error: 3, no_answer: 4 } };
    expect(describeOutbox(read({ counts }), options)).toEqual({
      statusRead: true,
      enabled: true,
      sentence: "Up to date: nothing waits to be posted",
      backlog: 0,
      oldestAgeSeconds: null,
      drainerId: "gw-host:4242:a1b2",
      posted: 12,
      failed: counts.failed,
      warning: null,
    });
  });

  it("says how much waits and for how long, without a warning while it is recent", () => {
    const health = describeOutbox(read({ backlog: 3, oldestId: `${now - 12_000}-0` }), options);
    expect(health).toMatchObject({ backlog: 3, oldestAgeSeconds: 12, sentence: "3 changes wait to be posted, the oldest for 12 s", warning: null });
  });

  it("warns that the channel is behind once the oldest change waits for minutes, naming what to check", () => {
    const stuck = describeOutbox(read({ backlog: 1, oldestId: `${now - 240_000}-3` }), options);
    expect(stuck.sentence).toBe("1 change waits to be posted, the oldest for 4 min");
    expect(stuck.warning).toBe(
      "The transactions channel is behind: the oldest roster change not yet posted is 4 min old, and the channel will show the changes since then late. Worker gw-host:4242:a1b2 is posting, but Discord is not taking the posts: see the failed posts below and that worker's log.",
    );
    const orphaned = describeOutbox(read({ backlog: 5, oldestId: `${now - 181_000}-0`, drainerId: null }), options);
    expect(orphaned.warning).toMatch(/behind: .* is 3 min old, .*\. No Gateway worker is posting them: check that one runs, with DISCORD_TRANSACTIONS_CHANNEL_ID set\.$/);
    expect(describeOutbox(read({ backlog: 5, oldestId: `${now - 179_000}-0`, drainerId: null }), options).warning).toBeNull();
  });

  it("is off when no channel is configured and nothing waits, and unknown when Redis did not answer", () => {
    expect(describeOutbox(read(), { ...options, enabled: false }).sentence).toBe("Off: DISCORD_TRANSACTIONS_CHANNEL_ID is not set, so roster changes are not announced");
    expect(describeOutbox(null, options)).toMatchObject({ statusRead: false, sentence: "Unknown: Redis did not answer", backlog: null, posted: null, failed: null, warning: null });
  });
});

describe("ages and stream ids", () => {
  it("reads when an entry was written from its id, and says ages in the unit a person would", () => {
    expect(writtenAtOf("1800000000000-7")).toBe(1_800_000_000_000);
    expect(writtenAtOf("not-an-id")).toBeNull();
    expect([formatAge(400), formatAge(42_000), formatAge(240_000), formatAge(3 * 3_600_000)]).toEqual(["0.4 s", "42 s", "4 min", "3 h"]);
  });
});
