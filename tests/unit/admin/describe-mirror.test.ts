import { describe, expect, it } from "vitest";
import { describeMirror, formatSeconds, notLiveReasons } from "@/lib/admin/describe-mirror";
import { describeMirrorStatus } from "@/lib/gateway/status";

const now = 1_800_000_000_000;
const staleMs = 3_000;
/** A status hash as the Gateway leader writes it, live at `now`. */
const healthy = {
  leaderId: "gw-a",
  fence: "4",
  heartbeatAt: String(now - 400),
  resync: "done",
  resyncStartedAt: String(now - 90_000),
  resyncDoneAt: String(now - 80_000),
  resyncCount: "2",
  lastEventAt: String(now - 12_500),
  lastEventSeq: "77",
  membersMirrored: "10004",
};
const status = (raw: Record<string, string>) => describeMirrorStatus(raw, now, staleMs);
const without = (raw: Record<string, string>, ...fields: string[]) => Object.fromEntries(Object.entries(raw).filter(([field]) => !fields.includes(field)));

describe("the mirror's sentence", () => {
  it("says live with how far behind Discord, and gives no reason", () => {
    expect(describeMirror(status(healthy), now, staleMs)).toEqual({
      statusRead: true,
      live: true,
      sentence: "Live: roles come from Discord's Gateway, 0.4 s behind",
      reasons: [],
      leaderId: "gw-a",
      membersMirrored: 10_004,
      resyncCount: 2,
      resyncRunning: false,
      lastEventAgeSeconds: 12.5,
      lagSeconds: 0.4,
    });
  });

  it("says not live, looked up with each login, when no worker ever led", () => {
    const mirror = describeMirror(status({}), now, staleMs);
    expect(mirror).toMatchObject({ statusRead: true, live: false, leaderId: null, membersMirrored: 0, resyncCount: 0, lastEventAgeSeconds: null, lagSeconds: null });
    expect(mirror.sentence).toBe("Not live: roles are looked up with each member's login, paced by Discord's limits");
    expect(mirror.reasons).toEqual(["no Gateway worker has taken the lead", "no full member sync has finished yet"]);
  });

  it("names an old heartbeat as the reason when the leader is gone, with its age", () => {
    const mirror = describeMirror(status({ ...healthy, heartbeatAt: String(now - 42_300) }), now, staleMs);
    expect(mirror.live).toBe(false);
    expect(mirror.sentence).toMatch(/^Not live: /);
    expect(mirror.reasons).toEqual(["no leader is connected: the last heartbeat is 42 s old"]);
    expect(mirror.leaderId).toBe("gw-a");
  });

  it("a heartbeat exactly at the limit is still live; one millisecond past is not", () => {
    expect(describeMirror(status({ ...healthy, heartbeatAt: String(now - staleMs) }), now, staleMs).live).toBe(true);
    expect(describeMirror(status({ ...healthy, heartbeatAt: String(now - staleMs - 1) }), now, staleMs).reasons).toEqual(["no leader is connected: the last heartbeat is 3.0 s old"]);
  });

  it("names a running member sync, alone when the leader is connected", () => {
    const mirror = describeMirror(status({ ...healthy, resync: "running", resyncCount: "3" }), now, staleMs);
    expect(mirror).toMatchObject({ live: false, resyncRunning: true, resyncCount: 3, reasons: ["a full member sync is running"] });
  });

  it("names why a member sync is due when the mirror may have missed events", () => {
    expect(notLiveReasons(status({ ...healthy, resync: "needed", resyncNeededWhy: "session-lost" }), staleMs)).toEqual(["the Gateway session was lost: a full member sync is due"]);
    expect(notLiveReasons(status({ ...healthy, resync: "needed", resyncNeededWhy: "primary-changed" }), staleMs)).toEqual(["Redis changed primary, so the mirror may have rolled back: a full member sync is due"]);
  });

  it("gives every reason that holds: a leader that never connected, during the first sync", () => {
    expect(notLiveReasons(status({ ...without(healthy, "heartbeatAt", "resyncDoneAt"), resync: "running" }), staleMs)).toEqual(["the leader has not connected to the Gateway yet", "a full member sync is running"]);
  });

  it("a connected leader whose first sync has not begun: no sync has finished", () => {
    expect(notLiveReasons(status(without(healthy, "resync", "resyncDoneAt")), staleMs)).toEqual(["no full member sync has finished yet"]);
  });

  it("an unreadable status is not live, says why, and leaves the numbers unknown", () => {
    expect(describeMirror(null, now, staleMs)).toEqual({
      statusRead: false,
      live: false,
      sentence: "Not live: roles are looked up with each member's login, paced by Discord's limits",
      reasons: ["the mirror's status could not be read from Redis"],
      leaderId: null,
      membersMirrored: null,
      resyncCount: null,
      resyncRunning: false,
      lastEventAgeSeconds: null,
      lagSeconds: null,
    });
  });

  it("writes seconds with one decimal under ten, whole above", () => {
    expect([formatSeconds(0), formatSeconds(420), formatSeconds(9_949), formatSeconds(10_000), formatSeconds(61_600)]).toEqual(["0.0 s", "0.4 s", "9.9 s", "10 s", "62 s"]);
  });
});
