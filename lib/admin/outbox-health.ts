import "server-only";
import { productKeyspace } from "@/lib/actions/keys";
import { getEnv } from "@/lib/env";
import { metrics } from "@/lib/metrics";
import { getRedis } from "@/lib/redis/client";
import { transactionsPolicy } from "@/lib/transactions/policy";
import { readOutboxCounts } from "@/lib/transactions/metrics";
import type { OutboxHealth } from "./answer";
import { describeOutbox, writtenAtOf, type OutboxRead } from "./describe-outbox";
import { readWithin } from "./read-within";

/**
 * The outbox's length, its oldest entry, the drain lease and the drainer's
 * counts, in one round trip. The drainer deletes each entry once Discord has
 * it, so the stream holds exactly what the channel still lacks.
 */
async function readOutbox(): Promise<OutboxRead | null> {
  const keys = productKeyspace();
  const redis = getRedis();
  return readWithin(async () => {
    const [backlog, oldest, drainerId, counts] = await Promise.all([
      redis.xlen(keys.outbox),
      redis.xrange(keys.outbox, "-", "+", "COUNT", 1),
      redis.get(keys.outboxDrainer),
      readOutboxCounts(redis, keys.outboxCounts),
    ]);
    return { backlog, oldestId: oldest[0]?.[0] ?? null, drainerId, counts };
  });
}

/** The health panel's outbox entry, read at page load. */
export async function outboxHealth(): Promise<OutboxHealth> {
  return describeOutbox(await readOutbox(), {
    enabled: getEnv().DISCORD_TRANSACTIONS_CHANNEL_ID !== undefined,
    nowMs: Date.now(),
    behindAfterMs: transactionsPolicy.behindAfterMs,
  });
}

/** Lets the outbox gauges and the drainer's counters of `/api/metrics` read Redis at each scrape. */
export function exposeOutboxMetrics(): void {
  metrics.readOutboxFrom(async () => {
    const read = await readOutbox();
    if (read === null) return null;
    const writtenAt = read.oldestId === null ? null : writtenAtOf(read.oldestId);
    return { backlog: read.backlog, oldestAgeMs: writtenAt === null ? null : Date.now() - writtenAt, posted: read.counts.posted, failed: read.counts.failed };
  });
}
