import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { ApiError } from "@/lib/api/errors";
import { metrics } from "@/lib/metrics";

/**
 * How many replicas must hold a write before an action counts it as stored
 * (`WAIT`), and how long to wait for them. `replicas: 0` waits for nobody:
 * a lone Redis, as in development, answers as soon as its own copy is written.
 */
export type ReplicationPolicy = { replicas: number; timeoutMs: number };

export type ReplicationCheck = {
  /** Replicas that acknowledged every write this connection made so far. */
  confirmed: number;
  wanted: number;
  ok: boolean;
};

/** What a caller needs to confirm its own writes: its connection, the policy (absent: off) and a log. */
export type ReplicationDeps = { redis: Redis; replication?: ReplicationPolicy; log: Logger };

/** Seconds after which a reload is worth it: a Sentinel failover or a slow replica settles in about this long. */
export const outcomeUnsureRetryAfterSeconds = 3;

/**
 * Waits until `replicas` replicas hold every write this connection has made
 * (Redis' `WAIT` counts per connection, and each process sends all its
 * commands on one), or until `timeoutMs` passes. Sends nothing when no
 * replica is wanted.
 */
export async function confirmReplicated(redis: Redis, policy: ReplicationPolicy): Promise<ReplicationCheck> {
  if (policy.replicas <= 0) return { confirmed: 0, wanted: 0, ok: true };
  const confirmed = await redis.wait(policy.replicas, policy.timeoutMs);
  return { confirmed, wanted: policy.replicas, ok: confirmed >= policy.replicas };
}

/**
 * What a `WAIT` was confirming, for `safa_redis_wait_unconfirmed_total`:
 * an action's journal before Discord (unconfirmed: refused, 503), its commit
 * after (unconfirmed: outcome_unsure), or a one-script action's write.
 */
export type ReplicatedWrite = "journal" | "commit" | "redis-only";

/**
 * The same check for a caller that cannot tell a failed `WAIT` from a slow
 * one: a connection lost during the wait is a replica that did not confirm.
 * Each unconfirmed check is counted, so an operator sees why actions fail.
 */
export async function checkReplicated(deps: ReplicationDeps, write: ReplicatedWrite): Promise<ReplicationCheck> {
  const check = await askReplicas(deps);
  if (!check.ok) metrics.redisWaitUnconfirmed.inc({ where: write });
  return check;
}

async function askReplicas(deps: ReplicationDeps): Promise<ReplicationCheck> {
  const policy = deps.replication ?? { replicas: 0, timeoutMs: 0 };
  try {
    return await confirmReplicated(deps.redis, policy);
  } catch (error) {
    deps.log.warn({ err: error }, "could not ask Redis how many replicas hold the last writes");
    return { confirmed: 0, wanted: policy.replicas, ok: false };
  }
}

/**
 * The answer when a change was written on the primary but no replica
 * confirmed it in time: if the primary dies now, a promoted replica may not
 * have it. The user is told the truth (it may or may not have gone through)
 * and what to do; the write itself stays, and usually reaches the replica a
 * moment later.
 */
export function outcomeUnsure(): ApiError {
  return new ApiError(
    "outcome_unsure",
    "We saved the change, but could not yet confirm it is stored safely. Reload in a few seconds to see whether it went through.",
    { retryAfterSeconds: outcomeUnsureRetryAfterSeconds },
  );
}

/**
 * After an action's one Redis write (a script that changed nothing on
 * Discord): answers success only once enough replicas hold it; otherwise
 * throws `outcome_unsure`.
 */
export async function requireReplicated(deps: ReplicationDeps, action: string): Promise<void> {
  const check = await checkReplicated(deps, "redis-only");
  if (check.ok) return;
  deps.log.warn({ action, confirmed: check.confirmed, wanted: check.wanted }, "a change was saved but no replica confirmed it in time; the user is told the outcome is unsure");
  throw outcomeUnsure();
}
