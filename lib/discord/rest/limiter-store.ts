import type { ParsedRoute } from "./route";

/** Whose limits a request spends: the bot token, a user's bearer token, or (no auth) the IP. */
export type AuthScope = { kind: "bot" | "bearer" | "none"; digest: string };

export type AcquireRequest = {
  route: ParsedRoute;
  auth: AuthScope;
  /** Unique per attempt; names the lease in Redis and in the global log. */
  leaseId: string;
};

/** A reserved slot; it must be settled (answer) or released (no answer). */
export type Lease = {
  leaseId: string;
  bucketId: string;
  generation: number;
  source: "redis" | "local";
};

export type WaitReason = "global" | "sublimit" | "shared" | "bucket" | "pending";

export type AcquireResult =
  | { kind: "granted"; lease: Lease }
  | {
      kind: "wait";
      waitMs: number;
      reason: WaitReason;
      /** Waiters on this key are woken when an answer frees the bucket; '' for global and sub-limit waits. */
      wakeKey: string;
      /** False when `waitMs` is only an upper bound: an answer may free the slot sooner. */
      exact: boolean;
    }
  | { kind: "banned"; retryAfterMs: number }
  | { kind: "invalidBudget"; count: number; refuseAt: number; retryAfterMs: number }
  | { kind: "tokenInvalid" };

/** How a 429 is applied: to the token, the bucket, the shared resource, or the route's hidden sub-limit. */
export type RateLimitKind = "global" | "user" | "shared" | "sublimit" | "cloudflare";

/** Discord's answer, reduced to what the limiter records. */
export type Outcome = {
  status: number;
  bucketHash?: string;
  limit?: number;
  remaining?: number;
  resetAfterMs?: number;
  rateLimit?: { kind: RateLimitKind; retryAfterMs: number };
  countsInvalid: boolean;
  botTokenRejected: boolean;
};

export type SettleResult = {
  /** Invalid requests of this egress IP in the window, when this answer was one; else 0. */
  invalidCount: number;
  bucketId: string;
};

export type BucketSnapshot = {
  bucket: string;
  limit: number;
  remaining: number;
  resetInMs: number;
  inFlight: number;
  blockedMs: number;
};

/** What the egress IP's shared state says of any request, whatever its token. */
export type EgressState = { cloudflareBan: { open: boolean; retryAfterMs: number } };

/** The limiter as an admin health panel sees it. */
export type RestState = {
  source: "redis" | "local";
  fallbackActive: boolean;
  botTokenRejected: boolean;
  cloudflareBan: { open: boolean; retryAfterMs: number };
  global: { usedInWindow: number; limit: number; blockedMs: number };
  invalidRequests: { count: number; refuseAt: number; windowMs: number };
  rateLimited: { total: number; byKind: Partial<Record<RateLimitKind, number>>; windowMs: number };
  bucketsNearLimit: BucketSnapshot[];
};

/**
 * Where rate-limit state lives. The Redis store shares it between processes;
 * the local store is the per-process fallback while Redis is unreachable.
 */
export type LimiterStore = {
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  settle(request: AcquireRequest, lease: Lease, outcome: Outcome): Promise<SettleResult>;
  /** `notSent`: the request never left this process, so its slot is given back. */
  release(request: AcquireRequest, lease: Lease, notSent: boolean): Promise<void>;
  inspect(): Promise<RestState>;
  egress(): Promise<EgressState>;
  /** Records an answer to an attempt sent outside the buckets: a ban opens the breaker; an invalid answer is counted. */
  recordEgress(outcome: Outcome): Promise<{ invalidCount: number }>;
};
