import { bucketHash, type RouteLimit } from "./route-catalog";

/** Milliseconds since the epoch. */
export type Clock = () => number;

/** Discord counts invalid requests over a sliding 10 minutes. */
export const INVALID_REQUEST_WINDOW_MS = 600_000;
const GLOBAL_WINDOW_MS = 1000;
/** Above this many windows, expired ones are swept so hundreds of benchmark tokens do not pile up. */
const SWEEP_THRESHOLD = 10_000;

type Window = { used: number; resetAtMs: number };

/** Fixed windows keyed by anything: a window opens at its first request and closes `windowMs` later. */
function createFixedWindows(clock: Clock) {
  const windows = new Map<string, Window>();

  function sweep(nowMs: number): void {
    for (const [key, window] of windows) if (nowMs >= window.resetAtMs) windows.delete(key);
  }

  return {
    take(key: string, limit: number, windowMs: number): { allowed: boolean; window: Window; nowMs: number } {
      const nowMs = clock();
      let window = windows.get(key);
      if (!window || nowMs >= window.resetAtMs) {
        if (windows.size >= SWEEP_THRESHOLD) sweep(nowMs);
        window = { used: 0, resetAtMs: nowMs + windowMs };
        windows.set(key, window);
      }
      if (window.used >= limit) return { allowed: false, window, nowMs };
      window.used += 1;
      return { allowed: true, window, nowMs };
    },
    reset(): void {
      windows.clear();
    },
  };
}

/** What a limited route reports in its `X-RateLimit-*` headers. */
export type BucketVerdict = {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAtMs: number;
  resetAfterMs: number;
  bucketHash: string;
};

export type RouteLimiter = {
  /**
   * Spends one request from the bucket of `bucketGroup` + `majorParameter` (guild or channel id) + `principal`
   * (the token). A refused request spends nothing.
   */
  take(bucketGroup: string, majorParameter: string | null, principal: string): BucketVerdict;
  /**
   * Spends one request from a resource's limit that every caller shares
   * (`resourceKey` names the resource, e.g. one member's roles).
   */
  takeShared(resourceKey: string, limit: RouteLimit): { allowed: boolean; retryAfterMs: number };
  reset(): void;
};

export function createRouteLimiter(options: { clock: Clock; limits: ReadonlyMap<string, RouteLimit> }): RouteLimiter {
  const windows = createFixedWindows(options.clock);
  const sharedWindows = createFixedWindows(options.clock);
  return {
    take(bucketGroup, majorParameter, principal) {
      const limit = options.limits.get(bucketGroup);
      if (!limit) throw new Error(`no rate limit configured for bucket group "${bucketGroup}"`);
      const hash = bucketHash(bucketGroup);
      const key = `${hash}:${majorParameter ?? "-"}:${principal}`;
      const { allowed, window, nowMs } = windows.take(key, limit.count, limit.windowSeconds * 1000);
      return {
        allowed,
        limit: limit.count,
        remaining: limit.count - window.used,
        resetAtMs: window.resetAtMs,
        resetAfterMs: window.resetAtMs - nowMs,
        bucketHash: hash,
      };
    },
    takeShared(resourceKey, limit) {
      const { allowed, window, nowMs } = sharedWindows.take(resourceKey, limit.count, limit.windowSeconds * 1000);
      return { allowed, retryAfterMs: allowed ? 0 : window.resetAtMs - nowMs };
    },
    reset() {
      windows.reset();
      sharedWindows.reset();
    },
  };
}

export type GlobalLimiter = {
  /** Counts one request for `key` (a token, or the IP of an unauthenticated caller). */
  take(key: string): { allowed: boolean; retryAfterMs: number };
  reset(): void;
};

export function createGlobalLimiter(options: { clock: Clock; perSecond: number }): GlobalLimiter {
  const windows = createFixedWindows(options.clock);
  return {
    take(key) {
      const { allowed, window, nowMs } = windows.take(key, options.perSecond, GLOBAL_WINDOW_MS);
      return { allowed, retryAfterMs: allowed ? 0 : window.resetAtMs - nowMs };
    },
    reset: windows.reset,
  };
}

export type InvalidRequestLimiter = {
  /** Records one 401, 403 or non-shared 429 for `ip`; bans the IP once the count exceeds the limit. */
  record(ip: string): void;
  /** Milliseconds left on the ban of `ip`, 0 when it is not banned. */
  banRemainingMs(ip: string): number;
  anyBanned(): boolean;
  /** Invalid requests recorded since the last reset, across all IPs. */
  total(): number;
  reset(): void;
};

/** Timestamps in arrival order; `head` skips expired ones without shifting 10,000-entry arrays. */
type TimeQueue = { times: number[]; head: number };

function dropBefore(queue: TimeQueue, cutoffMs: number): void {
  while (queue.head < queue.times.length && (queue.times[queue.head] ?? 0) <= cutoffMs) queue.head += 1;
  if (queue.head > 1024 && queue.head * 2 > queue.times.length) {
    queue.times = queue.times.slice(queue.head);
    queue.head = 0;
  }
}

export function createInvalidRequestLimiter(options: { clock: Clock; limit: number; banSeconds: number }): InvalidRequestLimiter {
  const recent = new Map<string, TimeQueue>();
  const bannedUntil = new Map<string, number>();
  let total = 0;

  function banRemainingMs(ip: string): number {
    const until = bannedUntil.get(ip);
    if (until === undefined) return 0;
    const remaining = until - options.clock();
    if (remaining > 0) return remaining;
    bannedUntil.delete(ip);
    return 0;
  }

  return {
    record(ip) {
      total += 1;
      const nowMs = options.clock();
      const queue = recent.get(ip) ?? { times: [], head: 0 };
      dropBefore(queue, nowMs - INVALID_REQUEST_WINDOW_MS);
      queue.times.push(nowMs);
      if (queue.times.length - queue.head > options.limit) {
        bannedUntil.set(ip, nowMs + options.banSeconds * 1000);
        recent.delete(ip);
      } else {
        recent.set(ip, queue);
      }
    },
    banRemainingMs,
    anyBanned: () => [...bannedUntil.keys()].some((ip) => banRemainingMs(ip) > 0),
    total: () => total,
    reset() {
      recent.clear();
      bannedUntil.clear();
      total = 0;
    },
  };
}

/** Seconds with at most 3 decimals and no trailing zeros, as Discord writes them ("1", "0.5", "59.993"). */
export function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** `Retry-After` is whole seconds, rounded up, never 0 (a client would retry at once). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function rateLimitHeaders(verdict: BucketVerdict): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(verdict.limit),
    "X-RateLimit-Remaining": String(verdict.remaining),
    "X-RateLimit-Reset": (verdict.resetAtMs / 1000).toFixed(3),
    "X-RateLimit-Reset-After": formatSeconds(verdict.resetAfterMs),
    "X-RateLimit-Bucket": verdict.bucketHash,
  };
}
