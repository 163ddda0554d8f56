import { describe, expect, it } from "vitest";
import { describeReplication, parseReplicationInfo, type ReplicationSetting } from "@/lib/admin/describe-replication";

/** INFO replication as Redis 7 writes it (CRLF lines, a section header, replica lines of key=value pairs). */
function primaryInfo(replicas: string[]): string {
  return [
    "# Replication",
    "role:master",
    `connected_slaves:${replicas.length}`,
    ...replicas.map((replica, index) => `slave${index}:${replica}`),
    "master_failover_state:no-failover",
    "master_repl_offset:5120",
    "",
  ].join("\r\n");
}

const online = (port: number, lag = 0) => `ip=127.0.0.1,port=${port},state=online,offset=5120,lag=${lag}`;

const urlSetting = (waitReplicas: number): ReplicationSetting => ({ sentinel: null, wait: { replicas: waitReplicas, timeoutMs: 500 }, primaryChanges: 0, lastPrimaryChangeAt: null });
const sentinelSetting = (waitReplicas: number): ReplicationSetting => ({ ...urlSetting(waitReplicas), sentinel: { masterName: "safa", sentinels: ["127.0.0.1:26379"] } });

describe("parseReplicationInfo", () => {
  it("reads a primary's role and each replica's address, state and lag", () => {
    expect(parseReplicationInfo(primaryInfo([online(6380), "ip=10.0.0.2,port=6379,state=wait_bgsave,offset=0,lag=7"]))).toEqual({
      role: "primary",
      replicas: [
        { address: "127.0.0.1:6380", state: "online", lagSeconds: 0 },
        { address: "10.0.0.2:6379", state: "wait_bgsave", lagSeconds: 7 },
      ],
      primaryLink: null,
    });
  });

  it("reads a replica's primary and whether the link is up", () => {
    const info = "# Replication\nrole:slave\nmaster_host:10.0.0.1\nmaster_port:6379\nmaster_link_status:down\nconnected_slaves:0\n";
    expect(parseReplicationInfo(info)).toEqual({ role: "replica", replicas: [], primaryLink: { address: "10.0.0.1:6379", up: false } });
  });

  it("refuses an answer that names no role, and skips a replica line it cannot read", () => {
    expect(parseReplicationInfo("ERR unknown section\n")).toBeNull();
    expect(parseReplicationInfo(primaryInfo(["garbage", online(6381)]))?.replicas).toEqual([{ address: "127.0.0.1:6381", state: "online", lagSeconds: 0 }]);
  });
});

describe("describeReplication", () => {
  const now = 1_800_000_000_000;

  it("has nothing to say about a primary with as many replicas in sync as actions wait for", () => {
    const health = describeReplication(parseReplicationInfo(primaryInfo([online(6380, 1)])), sentinelSetting(1), now);
    expect(health).toMatchObject({ statusRead: true, role: "primary", connectedReplicas: 1, warnings: [], sentinel: { masterName: "safa" }, wait: { replicas: 1, timeoutMs: 500 } });
  });

  it("says actions are refused when fewer replicas are connected than REDIS_WAIT_REPLICAS asks for", () => {
    const none = describeReplication(parseReplicationInfo(primaryInfo([])), urlSetting(1), now);
    expect(none.connectedReplicas).toBe(0);
    expect(none.warnings).toEqual(["Actions are refused until a replica is back: each change must reach 1 replica within 500 ms (REDIS_WAIT_REPLICAS=1), and 0 are connected."]);
    // A replica still copying the data set cannot confirm anything yet.
    const syncing = describeReplication(parseReplicationInfo(primaryInfo([online(6380), "ip=127.0.0.1,port=6381,state=send_bulk,offset=0,lag=0"])), urlSetting(2), now);
    expect(syncing.connectedReplicas).toBe(1);
    expect(syncing.warnings[0]).toBe("Actions are refused until a replica is back: each change must reach 2 replicas within 500 ms (REDIS_WAIT_REPLICAS=2), and 1 is connected.");
  });

  it("says actions may be answered unsure when a connected replica has gone silent", () => {
    const health = describeReplication(parseReplicationInfo(primaryInfo([online(6380, 9)])), urlSetting(1), now);
    expect(health.connectedReplicas).toBe(1);
    expect(health.warnings).toEqual(['Actions may be answered "outcome unsure": each change must reach 1 replica within 500 ms (REDIS_WAIT_REPLICAS=1), and 127.0.0.1:6380 last confirmed 9 s ago.']);
  });

  it("warns that answered actions may be lost under Sentinel without WAIT, but not on a lone development server", () => {
    expect(describeReplication(parseReplicationInfo(primaryInfo([online(6380)])), sentinelSetting(0), now).warnings).toEqual([
      "REDIS_WAIT_REPLICAS is 0: an action answered as done may be lost if the primary fails before a replica copies it.",
    ]);
    expect(describeReplication(parseReplicationInfo(primaryInfo([])), urlSetting(0), now).warnings).toEqual([]);
  });

  it("says the app writes to a replica, which refuses every action", () => {
    const health = describeReplication(parseReplicationInfo("role:slave\nmaster_host:10.0.0.1\nmaster_port:6379\nmaster_link_status:up\n"), urlSetting(0), now);
    expect(health).toMatchObject({ role: "replica", connectedReplicas: 0, primaryLink: { address: "10.0.0.1:6379", up: true } });
    expect(health.warnings).toEqual(["The app is connected to a replica (of 10.0.0.1:6379, link up), which refuses writes: every action fails until the app reaches the primary."]);
  });

  it("is unknown when Redis did not answer, and counts the primary changes this process saw", () => {
    const health = describeReplication(null, { ...urlSetting(1), primaryChanges: 2, lastPrimaryChangeAt: now - 42_000 }, now);
    expect(health).toMatchObject({ statusRead: false, role: null, connectedReplicas: null, replicas: [], primaryChanges: 2, lastPrimaryChangeAgeSeconds: 42 });
    expect(health.warnings).toEqual(["Redis did not answer INFO replication: whether replicas hold the changes is unknown."]);
  });
});
