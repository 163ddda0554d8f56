import { describe, expect, it } from "vitest";
import { describeMirrorStatus } from "@/lib/gateway/status";

const now = 1_800_000_000_000;

describe("whether the mirror is live", () => {
  const healthy = { leaderId: "w1", fence: "3", heartbeatAt: String(now - 500), resync: "done", resyncDoneAt: String(now - 60_000), resyncCount: "1", lastEventAt: String(now - 2_000), lastEventSeq: "42", membersMirrored: "10" };

  it("is live with a recent heartbeat and a finished resync", () => {
    expect(describeMirrorStatus(healthy, now)).toMatchObject({ live: true, leaderId: "w1", fence: 3, heartbeatAgeMs: 500, lagMs: 500, resyncCount: 1, lastEventSeq: 42, membersMirrored: 10 });
  });

  it("is not live when the heartbeat is older than the limit", () => {
    expect(describeMirrorStatus({ ...healthy, heartbeatAt: String(now - 3_001) }, now, 3_000).live).toBe(false);
    expect(describeMirrorStatus({ ...healthy, heartbeatAt: String(now - 3_000) }, now, 3_000).live).toBe(true);
  });

  it("is not live while a resync runs, nor before the first one finished", () => {
    expect(describeMirrorStatus({ ...healthy, resync: "running" }, now)).toMatchObject({ live: false, resyncRunning: true });
    expect(describeMirrorStatus({ ...healthy, resync: "" }, now).live).toBe(false);
  });

  it("is not live while a resync is owed (events may be missing), and says since when and why", () => {
    const owed = describeMirrorStatus({ ...healthy, resync: "needed", resyncNeededAt: String(now - 100), resyncNeededWhy: "session-lost" }, now);
    expect(owed).toMatchObject({ live: false, resyncRunning: false, resyncNeeded: { since: now - 100, why: "session-lost" }, leaderId: "w1" });
    expect(describeMirrorStatus({ ...healthy, resync: "needed" }, now)).toMatchObject({ live: false, resyncNeeded: { since: null, why: null } });
    expect(describeMirrorStatus(healthy, now).resyncNeeded).toBeNull();
  });

  it("is not live without any status", () => {
    expect(describeMirrorStatus({}, now)).toMatchObject({ live: false, leaderId: null, heartbeatAt: null, membersMirrored: 0 });
  });
});
