import "server-only";
import { getEnv } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { getRedis } from "@/lib/redis/client";
import { watchPrimary } from "@/lib/redis/primary-watch";
import { redisTargetFromEnv } from "@/lib/redis/target";
import type { ReplicationHealth } from "./answer";
import { connectedReplicasOf, describeReplication, parseReplicationInfo, type ReplicationInfo, type ReplicationSetting } from "./describe-replication";
import { readWithin } from "./read-within";

/** Kept on globalThis: one watch per process, however many bundle layers load this module. */
const globalForWatch = globalThis as unknown as { safaPrimaryWatch?: { lastChangeAt: number | null } };

/**
 * Counts the times the app's connection comes back on a different Redis
 * server (`safa_redis_primary_changes_total`) and remembers the last, for
 * the panel. Started once per process, as early as it can be (start-up),
 * so the count covers the process's whole life.
 */
export function watchPrimaryChanges(): void {
  if (globalForWatch.safaPrimaryWatch) return;
  const watch: { lastChangeAt: number | null } = { lastChangeAt: null };
  globalForWatch.safaPrimaryWatch = watch;
  watchPrimary(getRedis(), (change) => {
    watch.lastChangeAt = change.at;
    metrics.redisPrimaryChanges.inc();
  });
}

/** INFO replication from the server the app writes to, or null when Redis does not answer in time. */
async function readReplicationInfo(): Promise<ReplicationInfo | null> {
  const info = await readWithin(() => getRedis().info("replication"));
  return info === null ? null : parseReplicationInfo(info);
}

async function replicationSetting(): Promise<ReplicationSetting> {
  const env = getEnv();
  const target = redisTargetFromEnv(env);
  let primaryChanges = 0;
  for (const { value } of (await metrics.redisPrimaryChanges.get()).values) primaryChanges += value;
  return {
    sentinel: target.kind === "sentinel" ? { masterName: target.masterName, sentinels: target.sentinels.map((sentinel) => `${sentinel.host}:${sentinel.port}`) } : null,
    wait: { replicas: env.REDIS_WAIT_REPLICAS, timeoutMs: env.REDIS_WAIT_TIMEOUT_MS },
    primaryChanges,
    lastPrimaryChangeAt: globalForWatch.safaPrimaryWatch?.lastChangeAt ?? null,
  };
}

/** The health panel's Redis replication entry, read at page load. */
export async function replicationHealth(): Promise<ReplicationHealth> {
  watchPrimaryChanges();
  const [info, setting] = await Promise.all([readReplicationInfo(), replicationSetting()]);
  return describeReplication(info, setting, Date.now());
}

/**
 * Lets the replication gauges of `/api/metrics` read INFO replication at
 * each scrape; counts primary changes from now on if start-up did not.
 */
export function exposeRedisMetrics(): void {
  watchPrimaryChanges();
  metrics.readReplicationFrom(async () => {
    const info = await readReplicationInfo();
    if (info === null) return null;
    return { connectedReplicas: connectedReplicasOf(info), wantedReplicas: getEnv().REDIS_WAIT_REPLICAS };
  });
}
