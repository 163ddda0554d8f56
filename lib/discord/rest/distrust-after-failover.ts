import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import { runScript } from "../../redis/lua-script";
import type { PrimaryChange } from "../../redis/primary-watch";
import { restDistrustBucketsScript } from "../../redis/scripts/rest-distrust-buckets";
import { restRestoreEgressScript } from "../../redis/scripts/rest-restore-egress";
import { restoreExpiringKeys, type ExpiringKeyMemory } from "../../redis/expiring-keys";
import type { InvalidMemory } from "./invalid-memory";
import type { RestKeyspace } from "./keys";
import type { AuthScope } from "./limiter-store";
import type { RestPolicy } from "./policy";

export type DistrustDeps = {
  redis: Redis;
  keys: RestKeyspace;
  policy: RestPolicy;
  botScope: AuthScope;
  memory: InvalidMemory;
  /** The holds this process set (ban, sub-limit blocks, rejected token). */
  holds: ExpiringKeyMemory;
  log: Logger;
};

export type DistrustSummary = { exhaustedBuckets: number; coldBuckets: number; restoredInvalid: number; invalidCount: number; restoredHolds: number };

/** Bucket keys handed to the script at once: small enough to keep each step short on the server. */
const scanBatch = 200;
const pairReply = z.tuple([z.number(), z.number()]);

/**
 * Makes the shared limiter state conservative after the Redis primary
 * changed (a failover may have lost its latest writes): the egress IP's
 * invalid-request count gets back this process's own entries and the bot's
 * global window is held for one window (rest-restore-egress), the
 * Cloudflare ban, sub-limit blocks and rejected token this process set are
 * set again (lib/redis/expiring-keys), and every learned bucket is treated as
 * spent until its stored reset, or as unknown when that has passed
 * (rest-distrust-buckets). Each process runs it when its own connection
 * sees the change; running it twice only holds a bucket until a reset it
 * would have waited for anyway, and sets no hold longer than before.
 */
export async function distrustAfterFailover(deps: DistrustDeps): Promise<DistrustSummary> {
  const { redis, keys, policy } = deps;
  const entries = deps.memory.recent(Date.now()).map(({ member, ageMs }) => [member, ageMs]);
  const [restoredInvalid, invalidCount] = pairReply.parse(
    await runScript(redis, restRestoreEgressScript, {
      keys: { invalidLogKey: keys.invalidLog, globalBlockKey: keys.globalBlock(deps.botScope) },
      args: { entriesJson: JSON.stringify(entries), invalidWindowMs: policy.invalidWindowMs, globalHoldMs: policy.primaryChangeGlobalHoldMs },
    }),
  );
  const restoredHolds = await restoreExpiringKeys(redis, deps.holds, Date.now());
  let exhaustedBuckets = 0;
  let coldBuckets = 0;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", keys.bucketPattern, "COUNT", scanBatch);
    cursor = next;
    // A bucket's lease set shares its prefix; the script skips anything that is not a hash too.
    const buckets = found.filter((key) => !key.endsWith(":leases"));
    if (buckets.length === 0) continue;
    const [exhausted, cold] = pairReply.parse(await runScript(redis, restDistrustBucketsScript, { keys: {}, args: { bucketKeysJson: JSON.stringify(buckets) } }));
    exhaustedBuckets += exhausted;
    coldBuckets += cold;
  } while (cursor !== "0");
  return { exhaustedBuckets, coldBuckets, restoredInvalid, invalidCount, restoredHolds };
}

/**
 * Runs `distrustAfterFailover` for each change, one after the other, and
 * lets new slots wait until the latest run has finished, so no request is
 * granted on the rolled-back state this process could have corrected.
 */
export function createFailoverDistrust(deps: DistrustDeps) {
  let settled: Promise<void> = Promise.resolve();
  return {
    /** Resolves once no correction is under way. */
    settled: () => settled,
    onPrimaryChange(change: PrimaryChange): void {
      settled = settled.then(async () => {
        try {
          const summary = await distrustAfterFailover(deps);
          deps.log.warn({ ...summary, previousRunId: change.previousRunId, runId: change.runId }, "redis primary changed: Discord rate-limit state treated conservatively");
        } catch (error) {
          deps.log.error({ err: error, runId: change.runId }, "redis primary changed, but the Discord rate-limit state could not be made conservative");
        }
      });
    },
  };
}
