import type { ChainableCommander, Redis } from "ioredis";
import { z } from "zod";

/**
 * The drainer's counters, kept in a Redis hash beside the outbox rather
 * than in the process: the drainer runs in the Gateway workers, which serve
 * no metrics, and the lease moves between them (and their standbys), so a
 * per-process count would be split over processes nobody scrapes. The app's
 * `/api/metrics` reads the hash at each scrape, as it reads the mirror's
 * status; every app instance reports the same totals.
 */

/** Why a post did not land: refused is dropped for good, the others are retried. */
export type PostFailure = "refused" | "rate_limited" | "server_error" | "no_answer";

export const postFailures: readonly PostFailure[] = ["refused", "rate_limited", "server_error", "no_answer"];

const postedField = "posted";
const failedField = (reason: PostFailure) => `failed:${reason}`;

/** Whether a field of the counts hash is one the drainer writes (for the records check). */
export function isOutboxCountField(field: string): boolean {
  return field === postedField || postFailures.some((reason) => field === failedField(reason));
}

/** Queues a count on a transaction, so it is kept exactly when the entry is settled (acknowledged and deleted) with it. */
export function countSettled(transaction: ChainableCommander, countsKey: string, outcome: "posted" | "skipped" | "refused"): ChainableCommander {
  if (outcome === "skipped") return transaction;
  return transaction.hincrby(countsKey, outcome === "posted" ? postedField : failedField("refused"), 1);
}

/** Counts a failed post that stays in the outbox for a later round; a count lost with Redis away is a count, not a post, lost. */
export async function countRetry(redis: Redis, countsKey: string, reason: Exclude<PostFailure, "refused">): Promise<void> {
  await redis.hincrby(countsKey, failedField(reason), 1).catch(() => undefined);
}

export type OutboxCounts = { posted: number; failed: Record<PostFailure, number> };

const count = z.coerce.number().int().nonnegative().catch(0);

/** The counts as the hash holds them; a missing or unreadable field is 0. */
export async function readOutboxCounts(redis: Redis, countsKey: string): Promise<OutboxCounts> {
  const fields = await redis.hgetall(countsKey);
  const failed = Object.fromEntries(postFailures.map((reason) => [reason, count.parse(fields[failedField(reason)] ?? 0)])) as Record<PostFailure, number>;
  return { posted: count.parse(fields[postedField] ?? 0), failed };
}
