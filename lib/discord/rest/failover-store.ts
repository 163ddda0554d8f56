import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { metrics } from "../../metrics";
import type { AcquireRequest, Lease, LimiterStore, Outcome, RestState } from "./limiter-store";
import { RedisUnavailableError, withRedisTimeout } from "./with-timeout";

export type FailoverStoreOptions = {
  redis: Redis;
  shared: LimiterStore;
  local: LimiterStore;
  probeIntervalMs: number;
  timeoutMs: number;
  log: Logger;
  onChange(active: boolean, reason?: string): void;
};

export type FailoverStore = LimiterStore & { readonly fallbackActive: boolean; close(): void };

/**
 * Uses the shared Redis limiter, and falls back to the per-process local one
 * when Redis times out or fails.
 *
 * Why fail open to a local limiter rather than fail closed: role changes are
 * user-facing, and Discord's own limits still protect Discord; the local
 * limiter is coarse and slow on purpose (a fraction of the global limit, see
 * `fallbackShare`, one request in flight per route, a hold on any 429), so a
 * handful of processes falling back together still stay under the limits. While
 * active, `safa_discord_rest_local_fallback` is 1 and a warning is logged; a
 * probe every `probeIntervalMs` switches back once Redis answers again.
 */
export function createFailoverStore(options: FailoverStoreOptions): FailoverStore {
  const { shared, local, log } = options;
  let active = false;
  let probe: NodeJS.Timeout | undefined;

  const activate = (error: unknown) => {
    if (active) return;
    active = true;
    const reason = error instanceof Error ? error.message : String(error);
    metrics.restFallbackActive.set(1);
    log.warn({ err: error }, "redis unreachable: Discord REST limits now enforced per process at a reduced share");
    options.onChange(true, reason);
    probe = setInterval(() => void check(), options.probeIntervalMs);
    probe.unref();
  };
  const check = async () => {
    try {
      await withRedisTimeout(options.redis.ping(), options.timeoutMs, "ping");
    } catch {
      return;
    }
    if (!active) return;
    active = false;
    clearInterval(probe);
    probe = undefined;
    metrics.restFallbackActive.set(0);
    log.info("redis reachable again: Discord REST limits shared across processes");
    options.onChange(false);
  };
  const attempt = async <T>(call: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    if (active) return fallback();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      activate(error);
      return fallback();
    }
  };

  return {
    get fallbackActive() {
      return active;
    },
    acquire: (request: AcquireRequest) => attempt(() => shared.acquire(request), () => local.acquire(request)),
    async settle(request: AcquireRequest, lease: Lease, outcome: Outcome) {
      if (lease.source === "local") return local.settle(request, lease, outcome);
      // A ban or a rejected token must hold in this process even if Redis fails right after.
      const critical = outcome.botTokenRejected || outcome.rateLimit?.kind === "cloudflare" || outcome.rateLimit?.kind === "global";
      const localResult = critical ? await local.settle(request, lease, outcome) : undefined;
      return attempt(
        () => shared.settle(request, lease, outcome),
        async () => localResult ?? local.settle(request, lease, outcome),
      );
    },
    async release(request: AcquireRequest, lease: Lease, notSent: boolean) {
      if (lease.source === "local") return local.release(request, lease, notSent);
      return attempt(() => shared.release(request, lease, notSent), async () => undefined);
    },
    async inspect(): Promise<RestState> {
      return attempt(() => shared.inspect(), () => local.inspect());
    },
    egress: () => attempt(() => shared.egress(), () => local.egress()),
    async recordEgress(outcome: Outcome) {
      // A ban must hold in this process even if Redis fails right after.
      const localResult = outcome.rateLimit?.kind === "cloudflare" ? await local.recordEgress(outcome) : undefined;
      return attempt(
        () => shared.recordEgress(outcome),
        async () => localResult ?? local.recordEgress(outcome),
      );
    },
    close() {
      clearInterval(probe);
      if (active) metrics.restFallbackActive.set(0);
    },
  };
}
