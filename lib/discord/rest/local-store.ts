import type {
  AcquireRequest,
  AcquireResult,
  AuthScope,
  BucketSnapshot,
  EgressState,
  Lease,
  LimiterStore,
  Outcome,
  RateLimitKind,
  RestState,
  SettleResult,
} from "./limiter-store";
import type { RestPolicy } from "./policy";
import { leaseTtlMs } from "./redis-store";

type LocalBucket = {
  limit?: number;
  remaining: number;
  resetAt: number;
  resetKnown: boolean;
  generation: number;
  windowMs: number;
  blockedUntil: number;
  /** lease id -> expiry ms */
  leases: Map<string, number>;
  touchedAt: number;
};

type LocalScope = { globalLog: Map<string, number>; globalBlockedUntil: number; tokenInvalidUntil: number };

export type LocalStoreOptions = {
  policy: RestPolicy;
  botScope: AuthScope;
  /** Wakes this process' waiters on a bucket (there is no pub/sub without Redis). */
  wake(key: string): void;
  now?: () => number;
};

/**
 * The per-process fallback used while Redis is unreachable. It applies the
 * same rules as the Redis scripts, but to `policy.fallbackShare` of every
 * limit: other processes may be falling back too and cannot be seen, so each
 * takes a conservative share instead of the whole budget.
 */
export function createLocalStore(options: LocalStoreOptions): LimiterStore {
  const { policy } = options;
  const now = options.now ?? Date.now;
  const share = (limit: number) => Math.max(1, Math.floor(limit * policy.fallbackShare));
  const globalLimit = share(policy.globalPerSecond);
  const globalWindowMs = 1_000 + policy.globalWindowMarginMs;
  const refuseAt = Math.floor(policy.invalidRequestLimit * policy.invalidShare);
  const routes = new Map<string, string>();
  const buckets = new Map<string, LocalBucket>();
  const scopes = new Map<string, LocalScope>();
  const subBlocks = new Map<string, number>();
  /** Leases on routes whose hash is unknown, per major parameter: any bucket of that major may be theirs. */
  const unmapped = new Map<string, Map<string, number>>();
  const unmappedOf = (auth: AuthScope, major: string): Map<string, number> => {
    const id = `${auth.kind}:${auth.digest}:${major}`;
    let leases = unmapped.get(id);
    if (!leases) {
      leases = new Map();
      unmapped.set(id, leases);
    }
    return leases;
  };
  const invalidLog: number[] = [];
  const rateLimitLog: Array<{ at: number; kind: RateLimitKind }> = [];
  let banUntil = 0;

  const scopeOf = (auth: AuthScope): LocalScope => {
    const id = `${auth.kind}:${auth.digest}`;
    let scope = scopes.get(id);
    if (!scope) {
      scope = { globalLog: new Map(), globalBlockedUntil: 0, tokenInvalidUntil: 0 };
      scopes.set(id, scope);
    }
    return scope;
  };
  const bucketKey = (auth: AuthScope, bucketId: string) => `${auth.kind}:${auth.digest}:bucket:${bucketId}`;
  let touches = 0;
  const bucketOf = (key: string, at: number): LocalBucket => {
    touches += 1;
    if (touches % 1_000 === 0) prune(at);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { remaining: 0, resetAt: 0, resetKnown: false, generation: 0, windowMs: 0, blockedUntil: 0, leases: new Map(), touchedAt: at };
      buckets.set(key, bucket);
    }
    bucket.touchedAt = at;
    return bucket;
  };
  /** Per-user bearer buckets would otherwise accumulate for the life of the process. */
  const prune = (at: number) => {
    for (const [key, bucket] of buckets) {
      if (bucket.touchedAt + policy.bucketIdleTtlMs < at && bucket.leases.size === 0) buckets.delete(key);
    }
    for (const [key, until] of subBlocks) if (until <= at) subBlocks.delete(key);
    for (const [key, leases] of unmapped) if (leases.size === 0) unmapped.delete(key);
  };
  const dropExpired = (log: Map<string, number> | number[], before: number) => {
    if (Array.isArray(log)) {
      while (log.length > 0 && (log[0] ?? 0) <= before) log.shift();
    } else {
      for (const [id, at] of log) if (at <= before) log.delete(id);
    }
  };

  return {
    async acquire({ route, auth, leaseId }: AcquireRequest): Promise<AcquireResult> {
      const at = now();
      const scope = scopeOf(auth);
      if (scope.tokenInvalidUntil > at) return { kind: "tokenInvalid" };
      if (banUntil > at) return { kind: "banned", retryAfterMs: banUntil - at };
      dropExpired(invalidLog, at - policy.invalidWindowMs);
      if (invalidLog.length >= refuseAt) {
        const freesAt = (invalidLog[invalidLog.length - refuseAt] ?? at) + policy.invalidWindowMs;
        return { kind: "invalidBudget", count: invalidLog.length, refuseAt, retryAfterMs: Math.max(1, freesAt - at) };
      }
      if (scope.globalBlockedUntil > at) return wait(scope.globalBlockedUntil - at, "global", "", true);
      const sub = subBlocks.get(`${auth.kind}:${auth.digest}:${route.routeKey}`) ?? 0;
      if (sub > at) return wait(sub - at, "sublimit", "", true);

      const hash = routes.get(route.routeId);
      const bucketId = hash ? `${hash}:${route.major}` : `route:${route.routeKey}`;
      const key = bucketKey(auth, bucketId);
      const bucket = bucketOf(key, at);
      dropExpired(bucket.leases, at);
      if (bucket.blockedUntil > at) return wait(bucket.blockedUntil - at, "shared", key, true);
      if (bucket.limit === undefined) {
        if (bucket.leases.size > 0) return wait(Math.max(1, Math.min(...bucket.leases.values()) - at), "pending", key, false);
      } else {
        if (at >= bucket.resetAt) {
          bucket.generation += 1;
          bucket.remaining = Math.max(share(bucket.limit) - bucket.leases.size, 0);
          bucket.resetAt = at + Math.max(bucket.windowMs, leaseTtlMs(policy));
          bucket.resetKnown = false;
        }
        if (bucket.remaining <= 0) return wait(Math.max(1, bucket.resetAt - at), "bucket", key, bucket.resetKnown);
        const pending = unmappedOf(auth, route.major);
        dropExpired(pending, at);
        if (bucket.remaining - pending.size <= 0) return wait(Math.max(1, Math.min(...pending.values(), bucket.resetAt) - at), "bucket", key, false);
      }
      if (!route.globalExempt) {
        dropExpired(scope.globalLog, at - globalWindowMs);
        if (scope.globalLog.size >= globalLimit) {
          const times = [...scope.globalLog.values()].sort((a, b) => a - b);
          const oldest = Math.min(times[times.length - globalLimit] ?? at, at);
          return wait(Math.max(1, oldest + globalWindowMs - at), "global", "", true);
        }
        scope.globalLog.set(leaseId, at + leaseTtlMs(policy));
      }
      if (bucket.limit !== undefined) bucket.remaining -= 1;
      bucket.leases.set(leaseId, at + leaseTtlMs(policy));
      if (!hash) unmappedOf(auth, route.major).set(leaseId, at + leaseTtlMs(policy));
      return { kind: "granted", lease: { leaseId, bucketId, generation: bucket.generation, source: "local" } };
    },

    async settle({ route, auth }: AcquireRequest, lease: Lease, outcome: Outcome): Promise<SettleResult> {
      const at = now();
      const scope = scopeOf(auth);
      const grantedKey = bucketKey(auth, lease.bucketId);
      buckets.get(grantedKey)?.leases.delete(lease.leaseId);
      unmappedOf(auth, route.major).delete(lease.leaseId);
      if (scope.globalLog.has(lease.leaseId)) scope.globalLog.set(lease.leaseId, at);
      let bucketId = lease.bucketId;
      let generation = lease.generation;
      if (outcome.bucketHash !== undefined) {
        routes.set(route.routeId, outcome.bucketHash);
        const target = `${outcome.bucketHash}:${route.major}`;
        if (target !== bucketId) {
          bucketId = target;
          generation = -1;
        }
      }
      const key = bucketKey(auth, bucketId);
      const bucket = bucketOf(key, at);
      const { limit, remaining, resetAfterMs } = outcome;
      if (limit !== undefined && remaining !== undefined && resetAfterMs !== undefined && limit > 0) {
        const answeredReset = at + resetAfterMs;
        bucket.windowMs = Math.max(bucket.windowMs, resetAfterMs);
        if (bucket.limit === undefined) {
          dropExpired(bucket.leases, at);
          Object.assign(bucket, {
            limit,
            remaining: Math.max(Math.min(remaining, share(limit)) - bucket.leases.size, 0),
            resetAt: answeredReset,
            resetKnown: true,
            generation: bucket.generation + 1,
          });
        } else if (bucket.generation === generation) {
          bucket.limit = limit;
          bucket.remaining = Math.min(bucket.remaining, remaining);
          bucket.resetAt = bucket.resetKnown ? Math.max(bucket.resetAt, answeredReset) : answeredReset;
          bucket.resetKnown = true;
        } else if (generation === -1) {
          bucket.limit = limit;
          bucket.remaining = Math.max(Math.min(bucket.remaining - 1, remaining), 0);
          if (bucket.resetKnown) bucket.resetAt = Math.max(bucket.resetAt, answeredReset);
        } else {
          bucket.limit = limit;
        }
      }
      const rateLimit = outcome.rateLimit;
      if (rateLimit) {
        const until = at + rateLimit.retryAfterMs;
        rateLimitLog.push({ at, kind: rateLimit.kind });
        if (rateLimit.kind === "cloudflare") banUntil = Math.max(banUntil, until);
        else if (rateLimit.kind === "global") scope.globalBlockedUntil = Math.max(scope.globalBlockedUntil, until);
        else if (rateLimit.kind === "sublimit") {
          const id = `${auth.kind}:${auth.digest}:${route.routeKey}`;
          subBlocks.set(id, Math.max(subBlocks.get(id) ?? 0, until));
        } else if (rateLimit.kind === "shared" || bucket.limit === undefined) {
          bucket.blockedUntil = Math.max(bucket.blockedUntil, until);
        } else {
          bucket.remaining = 0;
          bucket.resetAt = bucket.resetKnown ? Math.max(bucket.resetAt, until) : until;
          bucket.resetKnown = true;
        }
      }
      let invalidCount = 0;
      if (outcome.countsInvalid) {
        invalidLog.push(at);
        dropExpired(invalidLog, at - policy.invalidWindowMs);
        invalidCount = invalidLog.length;
      }
      if (outcome.botTokenRejected) scope.tokenInvalidUntil = at + policy.tokenInvalidHoldMs;
      options.wake(grantedKey);
      if (key !== grantedKey) options.wake(key);
      return { invalidCount, bucketId };
    },

    async release({ route, auth }: AcquireRequest, lease: Lease, notSent: boolean): Promise<void> {
      unmappedOf(auth, route.major).delete(lease.leaseId);
      const key = bucketKey(auth, lease.bucketId);
      const bucket = buckets.get(key);
      const removed = bucket?.leases.delete(lease.leaseId) ?? false;
      const globalLog = scopeOf(auth).globalLog;
      if (!notSent && globalLog.has(lease.leaseId)) globalLog.set(lease.leaseId, now());
      if (notSent && removed && bucket) {
        globalLog.delete(lease.leaseId);
        if (bucket.limit !== undefined && bucket.generation === lease.generation && bucket.remaining < share(bucket.limit)) {
          bucket.remaining += 1;
        }
      }
      options.wake(key);
    },

    async egress(): Promise<EgressState> {
      const at = now();
      return { cloudflareBan: { open: banUntil > at, retryAfterMs: Math.max(banUntil - at, 0) } };
    },

    async recordEgress(outcome: Outcome): Promise<{ invalidCount: number }> {
      const at = now();
      if (outcome.rateLimit?.kind === "cloudflare") banUntil = Math.max(banUntil, at + outcome.rateLimit.retryAfterMs);
      if (!outcome.countsInvalid) return { invalidCount: 0 };
      invalidLog.push(at);
      dropExpired(invalidLog, at - policy.invalidWindowMs);
      return { invalidCount: invalidLog.length };
    },

    async inspect(): Promise<RestState> {
      const at = now();
      const scope = scopeOf(options.botScope);
      dropExpired(invalidLog, at - policy.invalidWindowMs);
      dropExpired(scope.globalLog, at - globalWindowMs);
      while (rateLimitLog.length > 0 && (rateLimitLog[0]?.at ?? 0) <= at - policy.inspectWindowMs) rateLimitLog.shift();
      const byKind: Partial<Record<RateLimitKind, number>> = {};
      for (const entry of rateLimitLog) byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
      const near: BucketSnapshot[] = [];
      for (const [key, bucket] of buckets) {
        const resetInMs = Math.max(bucket.resetAt - at, 0);
        const blockedMs = Math.max(bucket.blockedUntil - at, 0);
        const low = bucket.limit !== undefined && resetInMs > 0 && bucket.remaining <= Math.floor(share(bucket.limit) * policy.nearLimitShare);
        if (!low && blockedMs === 0) continue;
        near.push({
          bucket: key.slice(key.indexOf(":bucket:") + ":bucket:".length),
          limit: bucket.limit ?? 0,
          remaining: bucket.remaining,
          resetInMs,
          inFlight: [...bucket.leases.values()].filter((expiry) => expiry > at).length,
          blockedMs,
        });
      }
      return {
        source: "local",
        fallbackActive: true,
        botTokenRejected: scope.tokenInvalidUntil > at,
        cloudflareBan: { open: banUntil > at, retryAfterMs: Math.max(banUntil - at, 0) },
        global: { usedInWindow: scope.globalLog.size, limit: globalLimit, blockedMs: Math.max(scope.globalBlockedUntil - at, 0) },
        invalidRequests: { count: invalidLog.length, refuseAt, windowMs: policy.invalidWindowMs },
        rateLimited: { total: rateLimitLog.length, byKind, windowMs: policy.inspectWindowMs },
        bucketsNearLimit: near,
      };
    },
  };
}

function wait(waitMs: number, reason: "global" | "sublimit" | "shared" | "bucket" | "pending", wakeKey: string, exact: boolean): AcquireResult {
  return { kind: "wait", waitMs, reason, wakeKey, exact };
}
