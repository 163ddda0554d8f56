import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { ExpiringKeyMemory } from "../../redis/expiring-keys";
import type { InvalidMemory } from "./invalid-memory";
import type { RestKeyspace } from "./keys";
import type {
  AcquireRequest,
  AcquireResult,
  EgressState,
  Lease,
  LimiterStore,
  Outcome,
  RateLimitKind,
  RestState,
  SettleResult,
} from "./limiter-store";
import { runScript } from "../../redis/lua-script";
import { restAcquireScript } from "../../redis/scripts/rest-acquire";
import { restEgressRecordScript } from "../../redis/scripts/rest-egress-record";
import { restInspectScript } from "../../redis/scripts/rest-inspect";
import { restReleaseScript } from "../../redis/scripts/rest-release";
import { restSettleScript } from "../../redis/scripts/rest-settle";
import type { RestPolicy } from "./policy";
import { withRedisTimeout } from "./with-timeout";

export type RedisStoreOptions = {
  redis: Redis;
  keys: RestKeyspace;
  policy: RestPolicy;
  /** Bot token scope, for `inspect()`. */
  botScope: AcquireRequest["auth"];
  /** Remembers the invalid requests this store wrote, to restore them after a failover (see invalid-memory.ts). */
  invalidMemory?: InvalidMemory;
  /** Remembers the holds this store set (ban, sub-limit, rejected token), to set them again after a failover (lib/redis/expiring-keys.ts). */
  holdMemory?: ExpiringKeyMemory;
};

const acquireReply = z.union([
  z.tuple([z.literal(0), z.string(), z.number()]),
  z.tuple([z.literal(1), z.number(), z.enum(["global", "sublimit", "shared", "bucket", "pending"]), z.string(), z.number()]),
  z.tuple([z.literal(2), z.number()]),
  z.tuple([z.literal(3), z.number(), z.number()]),
  z.tuple([z.literal(4)]),
]);
const settleReply = z.tuple([z.number(), z.string()]);
const rateLimitKind = z.enum(["global", "user", "shared", "sublimit", "cloudflare"]);
const inspectReply = z.tuple([
  z.array(z.tuple([z.string(), z.number(), z.number(), z.number(), z.number(), z.number()])),
  z.array(z.union([rateLimitKind, z.number()])),
  z.number(),
  z.number(),
  z.number(),
  z.number(),
  z.number(),
]);

/** Shared limiter state in Redis: every process sharing the bot token sees the same buckets. */
export function createRedisStore(options: RedisStoreOptions): LimiterStore {
  const { redis, keys, policy } = options;
  const refuseAt = Math.floor(policy.invalidRequestLimit * policy.invalidShare);
  const globalWindowMs = 1_000 + policy.globalWindowMarginMs;
  const timed = <T>(call: Promise<T>, what: string) => withRedisTimeout(call, policy.redisTimeoutMs, what);

  return {
    async acquire(request: AcquireRequest): Promise<AcquireResult> {
      const { route, auth, leaseId } = request;
      const raw = await timed(
        runScript(redis, restAcquireScript, {
          keys: {
            globalLogKey: keys.globalLog(auth),
            globalBlockKey: keys.globalBlock(auth),
            routeMapKey: keys.routeMap(route.routeId),
            subBlockKey: keys.subBlock(auth, route.routeKey),
            cloudflareBanKey: keys.cloudflareBan,
            invalidLogKey: keys.invalidLog,
            tokenInvalidKey: keys.tokenInvalid(auth),
            unmappedKey: keys.unmapped(auth, route.major),
          },
          args: {
            bucketPrefix: keys.bucketPrefix(auth),
            major: route.major,
            routeKey: route.routeKey,
            leaseId,
            leaseTtlMs: leaseTtlMs(policy),
            globalLimitPerWindow: route.globalExempt ? 0 : policy.globalPerSecond,
            globalWindowMs,
            invalidRefuseAt: refuseAt,
            invalidWindowMs: policy.invalidWindowMs,
            bucketIdleTtlMs: policy.bucketIdleTtlMs,
          },
        }),
        "acquire",
      );
      const reply = acquireReply.parse(raw);
      switch (reply[0]) {
        case 0:
          return { kind: "granted", lease: { leaseId, bucketId: reply[1], generation: reply[2], source: "redis" } };
        case 1:
          return { kind: "wait", waitMs: reply[1], reason: reply[2], wakeKey: reply[3], exact: reply[4] === 1 };
        case 2:
          return { kind: "banned", retryAfterMs: reply[1] };
        case 3:
          return { kind: "invalidBudget", count: reply[1], refuseAt, retryAfterMs: reply[2] };
        case 4:
          return { kind: "tokenInvalid" };
      }
    },

    async settle(request: AcquireRequest, lease: Lease, outcome: Outcome): Promise<SettleResult> {
      const { route, auth } = request;
      // Taken before the script runs, so a remembered hold never outlives the one Redis holds.
      const startedAt = Date.now();
      const raw = await timed(
        runScript(redis, restSettleScript, {
          keys: {
            routeMapKey: keys.routeMap(route.routeId),
            globalBlockKey: keys.globalBlock(auth),
            subBlockKey: keys.subBlock(auth, route.routeKey),
            cloudflareBanKey: keys.cloudflareBan,
            invalidLogKey: keys.invalidLog,
            tokenInvalidKey: keys.tokenInvalid(auth),
            rateLimitLogKey: keys.rateLimitLog,
            bucketRegistryKey: keys.bucketRegistry,
            unmappedKey: keys.unmapped(auth, route.major),
            globalLogKey: keys.globalLog(auth),
          },
          args: {
            bucketPrefix: keys.bucketPrefix(auth),
            grantedOn: lease.bucketId,
            major: route.major,
            leaseId: lease.leaseId,
            leaseGeneration: lease.generation,
            bucketHash: outcome.bucketHash ?? "",
            headerLimit: outcome.limit ?? "",
            headerRemaining: outcome.remaining ?? "",
            headerResetAfterMs: outcome.resetAfterMs ?? "",
            kind: outcome.rateLimit?.kind ?? "",
            retryAfterMs: outcome.rateLimit?.retryAfterMs ?? 0,
            countsInvalid: outcome.countsInvalid ? "1" : "0",
            botTokenRejected: outcome.botTokenRejected ? "1" : "0",
            invalidWindowMs: policy.invalidWindowMs,
            rateLimitLogWindowMs: policy.inspectWindowMs,
            tokenInvalidHoldMs: policy.tokenInvalidHoldMs,
            routeMappingTtlMs: policy.routeMappingTtlMs,
            bucketIdleTtlMs: policy.bucketIdleTtlMs,
            wakeChannel: keys.wakeChannel,
            routeKey: route.routeKey,
          },
        }),
        "settle",
      );
      const [invalidCount, bucketId] = settleReply.parse(raw);
      if (outcome.countsInvalid) options.invalidMemory?.record(lease.leaseId, Date.now());
      for (const hold of settleHolds(keys, policy, request, outcome)) options.holdMemory?.remember(hold.key, heldValue, startedAt + hold.lengthMs);
      return { invalidCount, bucketId };
    },

    async release(request: AcquireRequest, lease: Lease, notSent: boolean): Promise<void> {
      await timed(
        runScript(redis, restReleaseScript, {
          keys: { globalLogKey: keys.globalLog(request.auth), unmappedKey: keys.unmapped(request.auth, request.route.major) },
          args: {
            bucketPrefix: keys.bucketPrefix(request.auth),
            grantedOn: lease.bucketId,
            leaseId: lease.leaseId,
            leaseGeneration: lease.generation,
            notSent: notSent ? "1" : "0",
            wakeChannel: keys.wakeChannel,
          },
        }),
        "release",
      );
    },

    async egress(): Promise<EgressState> {
      const banMs = await timed(redis.pttl(keys.cloudflareBan), "egress");
      return { cloudflareBan: { open: banMs > 0, retryAfterMs: Math.max(banMs, 0) } };
    },

    async recordEgress(outcome: Outcome): Promise<{ invalidCount: number }> {
      const banMs = outcome.rateLimit?.kind === "cloudflare" ? outcome.rateLimit.retryAfterMs : 0;
      const member = `attempt|${randomUUID()}`;
      const startedAt = Date.now();
      const raw = await timed(
        runScript(redis, restEgressRecordScript, {
          keys: { banKey: keys.cloudflareBan, invalidKey: keys.invalidLog },
          args: {
            banLengthMs: banMs,
            invalid: outcome.countsInvalid ? "1" : "0",
            invalidWindowMs: policy.invalidWindowMs,
            member,
          },
        }),
        "record egress",
      );
      if (outcome.countsInvalid) options.invalidMemory?.record(member, Date.now());
      if (banMs > 0) options.holdMemory?.remember(keys.cloudflareBan, heldValue, startedAt + banMs);
      return { invalidCount: z.number().parse(raw) };
    },

    async inspect(): Promise<RestState> {
      const scope = options.botScope;
      const raw = await timed(
        runScript(redis, restInspectScript, {
          keys: {
            bucketRegistryKey: keys.bucketRegistry,
            rateLimitLogKey: keys.rateLimitLog,
            invalidLogKey: keys.invalidLog,
            cloudflareBanKey: keys.cloudflareBan,
            globalBlockKey: keys.globalBlock(scope),
            tokenInvalidKey: keys.tokenInvalid(scope),
            globalLogKey: keys.globalLog(scope),
          },
          args: { windowMs: policy.inspectWindowMs, nearShare: policy.nearLimitShare, globalWindowMs, bucketsMax: 500 },
        }),
        "inspect",
      );
      const [near, kinds, invalid, banMs, globalBlockMs, tokenInvalid, globalUsed] = inspectReply.parse(raw);
      const byKind: Partial<Record<RateLimitKind, number>> = {};
      let total = 0;
      for (let i = 0; i + 1 < kinds.length; i += 2) {
        const kind = rateLimitKind.parse(kinds[i]);
        const count = z.number().parse(kinds[i + 1]);
        byKind[kind] = count;
        total += count;
      }
      return {
        source: "redis",
        fallbackActive: false,
        botTokenRejected: tokenInvalid === 1,
        cloudflareBan: { open: banMs > 0, retryAfterMs: banMs },
        global: { usedInWindow: globalUsed, limit: policy.globalPerSecond, blockedMs: globalBlockMs },
        invalidRequests: { count: invalid, refuseAt, windowMs: policy.invalidWindowMs },
        rateLimited: { total, byKind, windowMs: policy.inspectWindowMs },
        bucketsNearLimit: near.map(([key, limit, remaining, resetInMs, inFlight, blockedMs]) => ({
          bucket: key.slice(key.indexOf(":bucket:") + ":bucket:".length),
          limit,
          remaining,
          resetInMs,
          inFlight,
          blockedMs,
        })),
      };
    },
  };
}

/** What rest-settle and rest-egress-record write in a hold key: its TTL is the hold. */
const heldValue = "1";

/**
 * The hold keys rest-settle sets for this answer, and for how long, by the
 * script's own tests: a Cloudflare ban or a sub-limit 429 for its retry
 * after, a rejected token for `tokenInvalidHoldMs`. A global 429 is left out:
 * its wait is short, and after a failover the bot's global window is held
 * for one window anyway (rest-restore-egress).
 */
function settleHolds(keys: RestKeyspace, policy: RestPolicy, request: AcquireRequest, outcome: Outcome): { key: string; lengthMs: number }[] {
  const holds: { key: string; lengthMs: number }[] = [];
  const rateLimit = outcome.rateLimit;
  if (rateLimit !== undefined && rateLimit.retryAfterMs > 0) {
    if (rateLimit.kind === "cloudflare") holds.push({ key: keys.cloudflareBan, lengthMs: rateLimit.retryAfterMs });
    if (rateLimit.kind === "sublimit") holds.push({ key: keys.subBlock(request.auth, request.route.routeKey), lengthMs: rateLimit.retryAfterMs });
  }
  if (outcome.botTokenRejected) holds.push({ key: keys.tokenInvalid(request.auth), lengthMs: policy.tokenInvalidHoldMs });
  return holds;
}

/** A lease outlives one HTTP attempt, so a live request never loses its slot. */
export function leaseTtlMs(policy: RestPolicy): number {
  return policy.requestTimeoutMs + policy.leaseGraceMs;
}
