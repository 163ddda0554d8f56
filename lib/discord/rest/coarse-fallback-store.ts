import type {
  AcquireRequest,
  AcquireResult,
  AuthScope,
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

export type CoarseFallbackOptions = {
  policy: RestPolicy;
  botScope: AuthScope;
  /** Wakes this process' waiters on a route (there is no pub/sub without Redis). */
  wake(key: string): void;
  now?: () => number;
};

/** What the fallback keeps per token: its requests in the global window, its in-flight routes, and its holds. */
type TokenState = {
  /** lease id -> when the request counts in the global window (its lease's expiry until answered, then the answer's arrival) */
  globalLog: Map<string, number>;
  /** route key -> lease id -> lease expiry */
  inFlight: Map<string, Map<string, number>>;
  /** No request of this token before this time: the last 429's Retry-After. */
  heldUntil: number;
  heldBy: RateLimitKind | undefined;
  tokenInvalidUntil: number;
};

/**
 * The per-process limiter used while Redis is unreachable: deliberately
 * coarse, so it need not follow the Lua scripts' rules change by change.
 *
 * - each token sends at most `fallbackShare` of the global limit per second,
 *   since other processes may be falling back too and cannot be seen;
 * - one request in flight per route (method, path template, major
 *   parameter): buckets are not learned, so a route never bursts;
 * - any 429 holds every request of that token for its Retry-After (a
 *   Cloudflare ban holds every request of the process); a rejected bot
 *   token and the invalid-request budget are kept as the shared limiter
 *   keeps them, counted in this process alone.
 *
 * Slower than the shared limiter on busy routes, and never faster; it lasts
 * only until the failover store's probe reaches Redis again.
 */
export function createCoarseFallbackStore(options: CoarseFallbackOptions): LimiterStore {
  const { policy } = options;
  const now = options.now ?? Date.now;
  const share = (limit: number) => Math.max(1, Math.floor(limit * policy.fallbackShare));
  const globalLimit = share(policy.globalPerSecond);
  const globalWindowMs = 1_000 + policy.globalWindowMarginMs;
  const refuseAt = Math.floor(policy.invalidRequestLimit * policy.invalidShare);
  const tokens = new Map<string, TokenState>();
  const invalidLog: number[] = [];
  const rateLimitLog: Array<{ at: number; kind: RateLimitKind }> = [];
  let banUntil = 0;
  let acquires = 0;

  const tokenOf = (auth: AuthScope): TokenState => {
    const id = `${auth.kind}:${auth.digest}`;
    let token = tokens.get(id);
    if (!token) {
      token = { globalLog: new Map(), inFlight: new Map(), heldUntil: 0, heldBy: undefined, tokenInvalidUntil: 0 };
      tokens.set(id, token);
    }
    return token;
  };
  const routeId = (auth: AuthScope, routeKey: string) => `${auth.kind}:${auth.digest}:route:${routeKey}`;
  const forget = <K>(log: Map<K, number>, before: number) => {
    for (const [key, at] of log) if (at <= before) log.delete(key);
  };
  const dropOld = (log: number[], before: number) => {
    while (log.length > 0 && (log[0] ?? 0) <= before) log.shift();
  };
  const countInvalid = (at: number): number => {
    invalidLog.push(at);
    dropOld(invalidLog, at - policy.invalidWindowMs);
    return invalidLog.length;
  };
  /** Users' tokens would otherwise pile up for as long as Redis stays away. */
  const pruneIdle = (at: number) => {
    for (const [id, token] of tokens) {
      forget(token.globalLog, at - globalWindowMs);
      const idle = token.inFlight.size === 0 && token.globalLog.size === 0 && token.heldUntil <= at && token.tokenInvalidUntil <= at;
      if (idle) tokens.delete(id);
    }
  };
  const endFlight = (token: TokenState, routeKey: string, leaseId: string) => {
    const leases = token.inFlight.get(routeKey);
    leases?.delete(leaseId);
    if (leases?.size === 0) token.inFlight.delete(routeKey);
  };

  return {
    async acquire({ route, auth, leaseId }: AcquireRequest): Promise<AcquireResult> {
      const at = now();
      acquires += 1;
      if (acquires % 1_000 === 0) pruneIdle(at);
      const token = tokenOf(auth);
      if (token.tokenInvalidUntil > at) return { kind: "tokenInvalid" };
      if (banUntil > at) return { kind: "banned", retryAfterMs: banUntil - at };
      dropOld(invalidLog, at - policy.invalidWindowMs);
      if (invalidLog.length >= refuseAt) {
        const freesAt = (invalidLog[invalidLog.length - refuseAt] ?? at) + policy.invalidWindowMs;
        return { kind: "invalidBudget", count: invalidLog.length, refuseAt, retryAfterMs: Math.max(1, freesAt - at) };
      }
      if (token.heldUntil > at) {
        return { kind: "wait", waitMs: token.heldUntil - at, reason: token.heldBy === "global" ? "global" : "bucket", wakeKey: "", exact: true };
      }
      const leases = token.inFlight.get(route.routeKey) ?? new Map<string, number>();
      forget(leases, at);
      if (leases.size > 0) {
        return { kind: "wait", waitMs: Math.max(1, Math.min(...leases.values()) - at), reason: "pending", wakeKey: routeId(auth, route.routeKey), exact: false };
      }
      if (!route.globalExempt) {
        forget(token.globalLog, at - globalWindowMs);
        if (token.globalLog.size >= globalLimit) {
          const oldest = Math.min(...token.globalLog.values(), at);
          return { kind: "wait", waitMs: Math.max(1, oldest + globalWindowMs - at), reason: "global", wakeKey: "", exact: true };
        }
        token.globalLog.set(leaseId, at + leaseTtlMs(policy));
      }
      leases.set(leaseId, at + leaseTtlMs(policy));
      token.inFlight.set(route.routeKey, leases);
      return { kind: "granted", lease: { leaseId, bucketId: `route:${route.routeKey}`, generation: 0, source: "local" } };
    },

    async settle({ route, auth }: AcquireRequest, lease: Lease, outcome: Outcome): Promise<SettleResult> {
      const at = now();
      const token = tokenOf(auth);
      endFlight(token, route.routeKey, lease.leaseId);
      if (token.globalLog.has(lease.leaseId)) token.globalLog.set(lease.leaseId, at);
      const rateLimit = outcome.rateLimit;
      if (rateLimit) {
        rateLimitLog.push({ at, kind: rateLimit.kind });
        if (rateLimit.kind === "cloudflare") banUntil = Math.max(banUntil, at + rateLimit.retryAfterMs);
        else if (at + rateLimit.retryAfterMs > token.heldUntil) {
          token.heldUntil = at + rateLimit.retryAfterMs;
          token.heldBy = rateLimit.kind;
        }
      }
      if (outcome.botTokenRejected) token.tokenInvalidUntil = at + policy.tokenInvalidHoldMs;
      const invalidCount = outcome.countsInvalid ? countInvalid(at) : 0;
      options.wake(routeId(auth, route.routeKey));
      return { invalidCount, bucketId: lease.bucketId };
    },

    async release({ route, auth }: AcquireRequest, lease: Lease, notSent: boolean): Promise<void> {
      const token = tokenOf(auth);
      endFlight(token, route.routeKey, lease.leaseId);
      if (notSent) token.globalLog.delete(lease.leaseId);
      else if (token.globalLog.has(lease.leaseId)) token.globalLog.set(lease.leaseId, now());
      options.wake(routeId(auth, route.routeKey));
    },

    async egress(): Promise<EgressState> {
      const at = now();
      return { cloudflareBan: { open: banUntil > at, retryAfterMs: Math.max(banUntil - at, 0) } };
    },

    async recordEgress(outcome: Outcome): Promise<{ invalidCount: number }> {
      const at = now();
      if (outcome.rateLimit?.kind === "cloudflare") banUntil = Math.max(banUntil, at + outcome.rateLimit.retryAfterMs);
      return { invalidCount: outcome.countsInvalid ? countInvalid(at) : 0 };
    },

    async inspect(): Promise<RestState> {
      const at = now();
      const token = tokenOf(options.botScope);
      dropOld(invalidLog, at - policy.invalidWindowMs);
      forget(token.globalLog, at - globalWindowMs);
      while (rateLimitLog.length > 0 && (rateLimitLog[0]?.at ?? 0) <= at - policy.inspectWindowMs) rateLimitLog.shift();
      const byKind: Partial<Record<RateLimitKind, number>> = {};
      for (const entry of rateLimitLog) byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
      return {
        source: "local",
        fallbackActive: true,
        botTokenRejected: token.tokenInvalidUntil > at,
        cloudflareBan: { open: banUntil > at, retryAfterMs: Math.max(banUntil - at, 0) },
        global: { usedInWindow: token.globalLog.size, limit: globalLimit, blockedMs: Math.max(token.heldUntil - at, 0) },
        invalidRequests: { count: invalidLog.length, refuseAt, windowMs: policy.invalidWindowMs },
        rateLimited: { total: rateLimitLog.length, byKind, windowMs: policy.inspectWindowMs },
        bucketsNearLimit: [],
      };
    },
  };
}
