import type { Redis } from "ioredis";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { checkReplicated, requireReplicated } from "@/lib/actions/replication";
import { metrics } from "@/lib/metrics";

/** One scrape: each series of the new families with its value. */
async function samples(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const line of (await metrics.registry.metrics()).split("\n")) {
    const at = line.lastIndexOf(" ");
    if (/^safa_(redis|outbox)_/.test(line) && at > 0) found.set(line.slice(0, at), line.slice(at + 1));
  }
  return found;
}

const log = pino({ level: "silent" });
const noReplica = { wait: async () => 0 } as unknown as Redis;
const oneReplica = { wait: async () => 1 } as unknown as Redis;

describe("the replication and outbox series", () => {
  it("are unknown (NaN) in a process that never set a source", async () => {
    const found = await samples();
    expect(found.get("safa_redis_connected_replicas")).toMatch(/^nan$/i);
    expect(found.get("safa_outbox_backlog")).toMatch(/^nan$/i);
    expect(found.get("safa_outbox_oldest_age_seconds")).toMatch(/^nan$/i);
    expect(found.get("safa_outbox_posted_total")).toBe("0");
    expect(found.get("safa_redis_primary_changes_total")).toBe("0");
  });

  it("count each WAIT too few replicas confirmed, by where, and not those that were confirmed", async () => {
    const policy = { replicas: 1, timeoutMs: 50 };
    await checkReplicated({ redis: oneReplica, replication: policy, log }, "commit");
    await checkReplicated({ redis: noReplica, replication: policy, log }, "journal");
    await checkReplicated({ redis: noReplica, replication: policy, log }, "commit");
    await checkReplicated({ redis: noReplica, replication: policy, log }, "commit");
    await expect(requireReplicated({ redis: noReplica, replication: policy, log }, "action")).rejects.toMatchObject({ code: "outcome_unsure" });
    const found = await samples();
    expect(found.get('safa_redis_wait_unconfirmed_total{where="journal"}')).toBe("1");
    expect(found.get('safa_redis_wait_unconfirmed_total{where="commit"}')).toBe("2");
    expect(found.get('safa_redis_wait_unconfirmed_total{where="redis-only"}')).toBe("1");
  });

  it("read replication and the outbox once per scrape, and keep the drainer's counts when the outbox cannot be read", async () => {
    let replicationReads = 0;
    let outboxReads = 0;
    metrics.readReplicationFrom(async () => {
      replicationReads += 1;
      return { connectedReplicas: 2, wantedReplicas: 1 };
    });
    metrics.readOutboxFrom(async () => {
      outboxReads += 1;
      return { backlog: 4, oldestAgeMs: 95_000, posted: 31, failed: { refused: 1, rate_limited: 0, server_error: 5, no_answer: 2 } };
    });
    const found = await samples();
    expect([replicationReads, outboxReads]).toEqual([1, 1]);
    expect(found.get("safa_redis_connected_replicas")).toBe("2");
    expect(found.get("safa_redis_wait_replicas_wanted")).toBe("1");
    expect(found.get("safa_outbox_backlog")).toBe("4");
    expect(found.get("safa_outbox_oldest_age_seconds")).toBe("95");
    expect(found.get("safa_outbox_posted_total")).toBe("31");
    expect(found.get('safa_outbox_failed_total{reason="server_error"}')).toBe("5");
    expect(found.get('safa_outbox_failed_total{reason="no_answer"}')).toBe("2");

    metrics.readOutboxFrom(async () => ({ backlog: 0, oldestAgeMs: null, posted: 31, failed: {} }));
    expect((await samples()).get("safa_outbox_oldest_age_seconds")).toBe("0");

    metrics.readOutboxFrom(() => Promise.reject(new Error("Redis is away")));
    const away = await samples();
    expect(away.get("safa_outbox_backlog")).toMatch(/^nan$/i);
    // Dropping to 0 would read as a counter reset.
    expect(away.get("safa_outbox_posted_total")).toBe("31");
  });
});
