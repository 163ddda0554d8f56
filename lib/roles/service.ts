import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { SessionExpiredError } from "@/lib/auth/errors";
import { moduleLogger } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { isRedisUnavailable } from "@/lib/redis/connection";
import { createExpiringKeyMemory, restoreExpiringKeys } from "@/lib/redis/expiring-keys";
import { jitteredPause } from "@/lib/redis/lock";
import { runScript } from "@/lib/redis/lua-script";
import { rolesBeginLookupScript } from "@/lib/redis/scripts/roles-begin-lookup";
import { rolesFinishLookupScript } from "@/lib/redis/scripts/roles-finish-lookup";
import { createDiscordRest } from "@/lib/discord/rest/create-discord-rest";
import { readMirroredMember } from "@/lib/gateway/status";
import { CloudflareBanError, DiscordTransportError } from "@/lib/discord/rest/errors";
import type { DiscordRest, Transport } from "@/lib/discord/rest/types";
import { memberOutcome, memberPath, memberRoute, noAnswerOutcome, type MemberFetchOutcome } from "./fetch-member";
import { paceAfterSuccessMs, rolePolicy } from "./policy";

const log = moduleLogger("roles");

const snapshotSchema = z.object({
  member: z.boolean(),
  roles: z.array(z.string()),
  nick: z.string().nullable(),
  joinedAt: z.string().nullable(),
  /** Epoch milliseconds when Discord answered. */
  fetchedAt: z.number(),
});
export type RoleSnapshot = z.infer<typeof snapshotSchema>;

export type RoleLookup =
  | {
      kind: "roles";
      snapshot: RoleSnapshot;
      /** Served from the cache instead of a Discord answer to this request. */
      stale: boolean;
      /** Discord is rate-limiting or failing; the cache stands in. */
      discordBusy: boolean;
      /** Epoch milliseconds when Discord may be asked again for this user (from any of their devices). */
      nextRefreshAt: number;
      how: "live" | "fresh" | "paced" | "collapsed" | "fallback" | "memory";
    }
  | { kind: "unavailable"; reason: "discord" | "storage"; retryAfterMs: number; message: string };

/**
 * Names the owner of the member-lookup bucket in the pacing lock's key.
 * Discord keeps a bearer token's per-route limits per user ("determined by
 * the request's authentication"), so a refreshed token and a second device
 * (phone and laptop: two sessions, two tokens) spend one budget. The SAFA
 * write-up keyed this lock by the access token, which lets one user with two
 * tokens spend the budget twice and meet 429s; keyed by the user, every token
 * and every process of one user keeps one pace. Hashed so the key keeps the
 * SAFA template's shape and cannot be mistaken for the cache key.
 */
function bucketOwnerDigest(userId: string): string {
  return createHash("sha256").update(`user:${userId}`).digest("hex");
}

/** Names of the SAFA design's keys (plus the in-flight lock of ours). */
export const roleKeys = {
  cache: (guildId: string, userId: string) => `discord_roles_${guildId}_${userId}`,
  retryAfter: (guildId: string, userId: string) => `discord_roles_${guildId}_${bucketOwnerDigest(userId)}_retry-after`,
  inflight: (guildId: string, userId: string) => `discord_roles_${guildId}_${userId}_inflight`,
};

export type TokenSource = {
  accessToken(sessionId: string): Promise<string>;
  refreshAfterUnauthorized(sessionId: string, rejected: string): Promise<string>;
  /** Ends one session (its login cannot read roles); the user's other sessions stay. */
  remove(sessionId: string): Promise<unknown>;
};

export type RoleServiceOptions = {
  redis: Redis;
  /**
   * The process's Discord REST client: lookups go through it with the user's
   * token, so they honour and feed the egress IP's ban breaker and
   * invalid-request count that the bot's requests share. Without one, a
   * client with default settings is built on `redis` (no bot token, no
   * wake-up subscriber), which meets every other default client there.
   */
  rest?: DiscordRest;
  /** Discord's API base of the client built when `rest` is not given. */
  apiBase: string;
  guildId: string;
  tokens: TokenSource;
  /** The HTTP transport of the client built when `rest` is not given. */
  fetch?: Transport;
  now?: () => number;
  /** Key prefix of the Gateway mirror (tests isolate themselves with it); default the worker's own, `safa:`. */
  mirrorPrefix?: string;
};

type LockReason = "paced" | "rate-limited" | "discord-error";

type Finish = { snapshot?: RoleSnapshot; ttlSeconds?: number; paceMs: number; reason: LockReason };

/**
 * While the Gateway mirror is live, every answer comes from it: no Discord
 * call, no pacing, and the roles are as current as Discord's own events.
 * Otherwise (no worker, a resync running, the mirror lost), the paced path:
 * "fetch with cache fallback", the SAFA design, taken further: the lock key
 * is set from the rate-limit headers of every answer (before any 429), so a
 * user who refocuses continuously is served at an even pace; one lookup per
 * user is in flight across every process, the others wait for its result;
 * Discord's failures are answered from the cache, never as "not a member".
 */
export function createRoleService(options: RoleServiceOptions) {
  const { redis, guildId } = options;
  const now = options.now ?? Date.now;
  const rest = options.rest ?? createDiscordRest({ redis, apiBase: options.apiBase, subscribe: false, ...(options.fetch === undefined ? {} : { transport: options.fetch }) });
  /**
   * The last roles this process served, per user: what it can still show
   * while Redis is unreachable. Without Redis there are no tokens to call
   * Discord with, and no shared pacing to call it safely.
   */
  const lastServed = new Map<string, RoleSnapshot>();
  /**
   * The pacing locks this process set. After a change of Redis primary they
   * may be missing from the promoted replica, and then every user whose lock
   * was lost could call Discord again at once; the process sets its own
   * again (never shortening a lock another set since).
   */
  const pacing = createExpiringKeyMemory(pacingMemoryMax);
  rest.on("primaryChange", () => void restorePacing());

  async function restorePacing(): Promise<void> {
    try {
      const restored = await restoreExpiringKeys(redis, pacing, now());
      if (restored > 0) log.warn({ locks: restored }, "redis primary changed: this process's role-lookup pacing locks set again");
    } catch (error) {
      log.error({ err: error }, "redis primary changed, but the role-lookup pacing locks could not be set again");
    }
  }

  /**
   * The member as the mirror holds them, or null when it is not live. Read
   * from the mirror's own hash, not the cache key: a bot write-through or a
   * lookup started before an event may have overwritten the cache key since.
   */
  async function mirrored(userId: string): Promise<RoleSnapshot | null> {
    const { snapshot } = await readMirroredMember(redis, guildId, userId, { nowMs: now(), ...(options.mirrorPrefix === undefined ? {} : { prefix: options.mirrorPrefix }) });
    return snapshot;
  }

  async function fromMirror(userId: string): Promise<RoleLookup | null> {
    const snapshot = await mirrored(userId);
    if (snapshot === null) return null;
    metrics.roleLookups.inc({ result: "live" });
    return { kind: "roles", snapshot, stale: false, discordBusy: false, nextRefreshAt: now() + rolePolicy.liveFreshMs, how: "live" };
  }

  function remember(userId: string, result: RoleLookup): RoleLookup {
    if (result.kind !== "roles") return result;
    lastServed.delete(userId);
    lastServed.set(userId, result.snapshot);
    if (lastServed.size > rolePolicy.memoryFallbackUsers) {
      const oldest = lastServed.keys().next();
      if (!oldest.done) lastServed.delete(oldest.value);
    }
    return result;
  }

  function fromMemory(userId: string): RoleLookup {
    const snapshot = lastServed.get(userId);
    if (!snapshot) {
      metrics.roleLookups.inc({ result: "miss" });
      return { kind: "unavailable", reason: "storage", retryAfterMs: rolePolicy.storageRetryMs, message: "The dashboard is temporarily unavailable; it will try again by itself." };
    }
    metrics.roleLookups.inc({ result: "stale" });
    return { kind: "roles", snapshot, stale: true, discordBusy: false, nextRefreshAt: now() + rolePolicy.storageRetryMs, how: "memory" };
  }

  function parseSnapshot(raw: unknown): RoleSnapshot | null {
    if (typeof raw !== "string") return null;
    try {
      const parsed = snapshotSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  function fromCache(cached: RoleSnapshot | null, retryAfterMs: number, how: "paced" | "fallback", busy: boolean, why: string): RoleLookup {
    if (!cached) {
      metrics.roleLookups.inc({ result: "miss" });
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1_000));
      return { kind: "unavailable", reason: "discord", retryAfterMs, message: `Discord is busy, retrying in ${seconds} s (${why}).` };
    }
    metrics.roleLookups.inc({ result: how === "paced" && !busy ? "cached" : "stale" });
    return { kind: "roles", snapshot: cached, stale: true, discordBusy: busy, nextRefreshAt: now() + retryAfterMs, how };
  }

  async function finish(userId: string, owner: string, outcome: Finish) {
    // Taken before the script runs, so the remembered lock never outlives the one Redis holds.
    const setAt = now();
    await runScript(redis, rolesFinishLookupScript, {
      keys: { cacheKey: roleKeys.cache(guildId, userId), lockKey: roleKeys.retryAfter(guildId, userId), inflightKey: roleKeys.inflight(guildId, userId) },
      args: {
        owner,
        snapshot: outcome.snapshot ? JSON.stringify(outcome.snapshot) : "",
        cacheTtlSeconds: outcome.ttlSeconds ?? 0,
        lockTtlMs: Math.max(0, Math.ceil(outcome.paceMs)),
        lockReason: outcome.reason,
      },
    });
    if (outcome.paceMs > 0) pacing.remember(roleKeys.retryAfter(guildId, userId), outcome.reason, setAt + outcome.paceMs);
  }

  async function waitForOther(userId: string, startedAt: number, cached: RoleSnapshot | null): Promise<RoleLookup> {
    const deadline = now() + rolePolicy.collapseWaitMs;
    let latest = cached;
    while (now() < deadline) {
      await jitteredPause(rolePolicy.collapsePollMs);
      const [raw, inflight] = await Promise.all([redis.get(roleKeys.cache(guildId, userId)), redis.exists(roleKeys.inflight(guildId, userId))]);
      latest = parseSnapshot(raw) ?? latest;
      if (latest && latest.fetchedAt >= startedAt) {
        metrics.roleLookups.inc({ result: "collapsed" });
        const pacedMs = await redis.pttl(roleKeys.retryAfter(guildId, userId));
        return { kind: "roles", snapshot: latest, stale: false, discordBusy: false, nextRefreshAt: now() + Math.max(0, pacedMs), how: "collapsed" };
      }
      if (inflight === 0) break;
    }
    return fromCache(latest, rolePolicy.errorBackoffMs, "fallback", true, "another lookup did not finish");
  }

  async function callDiscord(userId: string, sessionId: string, accessToken: string, owner: string, cached: RoleSnapshot | null, mayRefresh: boolean): Promise<RoleLookup> {
    const started = now();
    let outcome: MemberFetchOutcome;
    try {
      outcome = memberOutcome(await rest.attempt("GET", memberPath(guildId), { auth: { bearer: accessToken }, timeoutMs: rolePolicy.discordTimeoutMs }));
    } catch (error) {
      if (error instanceof CloudflareBanError) return servedThroughBan(userId, owner, cached, error.retryAfterMs);
      if (!(error instanceof DiscordTransportError)) throw error;
      outcome = noAnswerOutcome(error);
    }
    record(userId, outcome, now() - started);

    switch (outcome.kind) {
      case "member":
      case "not-member": {
        const snapshot: RoleSnapshot =
          outcome.kind === "member"
            ? { member: true, roles: outcome.roles, nick: outcome.nick, joinedAt: outcome.joinedAt, fetchedAt: now() }
            : { member: false, roles: [], nick: null, joinedAt: null, fetchedAt: now() };
        const paceMs = paceAfterSuccessMs(outcome.rateLimit.remaining, outcome.rateLimit.resetAfterMs);
        const ttl = outcome.kind === "member" ? rolePolicy.cacheTtlSeconds : rolePolicy.notMemberTtlSeconds;
        await finish(userId, owner, { snapshot, ttlSeconds: ttl, paceMs, reason: "paced" });
        metrics.roleLookups.inc({ result: "fresh" });
        // A member who left stays signed in and is shown the invitation to join, as the live path does.
        if (outcome.kind === "not-member" && cached?.member === true) log.info({ userId }, "member left the server; shown the join view");
        return { kind: "roles", snapshot, stale: false, discordBusy: false, nextRefreshAt: now() + paceMs, how: "fresh" };
      }
      case "unauthorized":
        return afterUnauthorized(userId, sessionId, accessToken, owner, cached, mayRefresh);
      case "rate-limited": {
        const waitMs = outcome.retryAfterMs + rolePolicy.rateLimitedMarginMs;
        await finish(userId, owner, { paceMs: waitMs, reason: "rate-limited" });
        return fromCache(cached, waitMs, "fallback", true, "rate limited");
      }
      case "banned": {
        log.error({ route: memberRoute, retryAfterMs: outcome.retryAfterMs }, "discord (cloudflare) banned this IP; every discord call stops until it passes");
        await finish(userId, owner, { paceMs: outcome.retryAfterMs, reason: "rate-limited" });
        return fromCache(cached, outcome.retryAfterMs, "fallback", true, "Discord has blocked this server for a while");
      }
      case "error": {
        await finish(userId, owner, { paceMs: rolePolicy.errorBackoffMs, reason: "discord-error" });
        return fromCache(cached, rolePolicy.errorBackoffMs, "fallback", true, outcome.message);
      }
    }
  }

  function record(userId: string, outcome: MemberFetchOutcome, elapsedMs: number): void {
    const status = outcome.status === null ? "network" : String(outcome.status);
    metrics.discordRequests.inc({ route: memberRoute, status });
    metrics.discordRequestSeconds.observe({ route: memberRoute }, elapsedMs / 1_000);
    if (outcome.kind === "rate-limited" || outcome.kind === "banned") {
      const scope = outcome.kind === "banned" ? "cloudflare" : (outcome.rateLimit.scope ?? "unknown");
      metrics.discordRateLimited.inc({ route: memberRoute, scope });
      if (scope !== "shared") metrics.discordInvalidRequests.inc({ status: "429" });
      log.warn({ route: memberRoute, userId, retryAfterMs: outcome.retryAfterMs, scope }, "discord rate limited a role lookup");
      return;
    }
    if (outcome.kind === "unauthorized") metrics.discordInvalidRequests.inc({ status: "401" });
    const rateLimit = outcome.kind === "error" ? undefined : outcome.rateLimit;
    log.info(
      { route: memberRoute, userId, status, elapsedMs, remaining: rateLimit?.remaining, resetAfterMs: rateLimit?.resetAfterMs, outcome: outcome.kind },
      "discord role lookup",
    );
  }

  /**
   * A 401 first refreshes the login once (the access token may have expired
   * early or been rotated elsewhere); a refused refresh token ends the session
   * in the token store. A token refreshed a moment ago that is refused too
   * means the grant itself cannot read roles (Discord answers 401 code 0 when
   * `guilds.members.read` is missing): this session ends with a sentence
   * asking to log in again and allow it, instead of refreshing on every
   * request and counting a 401 toward the IP's ban each time. Its token is not
   * revoked: Discord would revoke every token of the user, and end their
   * other devices' sessions too.
   */
  async function afterUnauthorized(userId: string, sessionId: string, accessToken: string, owner: string, cached: RoleSnapshot | null, mayRefresh: boolean): Promise<RoleLookup> {
    await finish(userId, owner, { paceMs: 0, reason: "paced" });
    if (!mayRefresh) {
      await options.tokens.remove(sessionId);
      log.warn({ userId }, "discord refused a freshly refreshed token for the member lookup; the session ended");
      throw new SessionExpiredError("missing_scope");
    }
    const renewed = await options.tokens.refreshAfterUnauthorized(sessionId, accessToken);
    if (renewed === accessToken) {
      // The token endpoint could not be asked and the store kept the refused token: back off, try later.
      await finish(userId, owner, { paceMs: rolePolicy.errorBackoffMs, reason: "discord-error" });
      return fromCache(cached, rolePolicy.errorBackoffMs, "fallback", true, "Discord could not renew the login");
    }
    return lookupWithToken(userId, sessionId, renewed, false);
  }

  /**
   * While the egress IP is banned nobody asks Discord: the cache is served as
   * paced until the ban ends, and a lookup that had become the owner gives
   * its in-flight lock back.
   */
  async function servedThroughBan(userId: string, owner: string | null, cached: RoleSnapshot | null, banMs: number): Promise<RoleLookup> {
    if (owner !== null) await finish(userId, owner, { paceMs: 0, reason: "paced" });
    return fromCache(cached, banMs, "paced", true, "Discord asked us to wait");
  }

  async function lookupWithToken(userId: string, sessionId: string, accessToken: string, mayRefresh: boolean): Promise<RoleLookup> {
    const owner = randomUUID();
    const startedAt = now();
    const [reply, egress] = await Promise.all([
      runScript(redis, rolesBeginLookupScript, {
        keys: { lockKey: roleKeys.retryAfter(guildId, userId), inflightKey: roleKeys.inflight(guildId, userId), cacheKey: roleKeys.cache(guildId, userId) },
        args: { owner, leaseMs: rolePolicy.inflightLeaseMs },
      }) as Promise<[string, string | null, number, (string | null)?]>,
      rest.egress(),
    ]);
    const [decision, cachedRaw, ms, reason] = reply;
    const cached = parseSnapshot(cachedRaw);
    if (egress.cloudflareBan.open) return servedThroughBan(userId, decision === "owner" ? owner : null, cached, egress.cloudflareBan.retryAfterMs);
    if (decision === "paced") {
      const busy = reason === "rate-limited" || reason === "discord-error";
      return fromCache(cached, ms, "paced", busy, busy ? "Discord asked us to wait" : "paced");
    }
    if (decision === "wait") return waitForOther(userId, startedAt, cached);
    return callDiscord(userId, sessionId, accessToken, owner, cached, mayRefresh);
  }

  return {
    /** The user's roles: from the live mirror, else fresh when the pacing allows, else the cached copy, with how fresh it is. */
    async lookup(userId: string, sessionId: string): Promise<RoleLookup> {
      try {
        const live = await fromMirror(userId);
        if (live) return remember(userId, live);
        const accessToken = await options.tokens.accessToken(sessionId);
        return remember(userId, await lookupWithToken(userId, sessionId, accessToken, true));
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error;
        log.warn({ userId, err: (error as Error).message }, "redis unavailable; answering roles from this process's memory");
        return fromMemory(userId);
      }
    },
    /** The cached copy alone, without asking Discord. */
    async cached(userId: string): Promise<RoleSnapshot | null> {
      return parseSnapshot(await redis.get(roleKeys.cache(guildId, userId)));
    },
    /** The best answer without asking Discord: the live mirror's, else the cached copy (what a pushed update shows). */
    async current(userId: string): Promise<RoleSnapshot | null> {
      return (await mirrored(userId)) ?? parseSnapshot(await redis.get(roleKeys.cache(guildId, userId)));
    },
    /**
     * After an action changed the user's roles through the bot, store the
     * new roles so the next page shows them without spending the user's budget.
     */
    async writeThrough(userId: string, roles: readonly string[], extra?: Partial<Pick<RoleSnapshot, "nick" | "joinedAt">>): Promise<void> {
      const previous = parseSnapshot(await redis.get(roleKeys.cache(guildId, userId)));
      const snapshot: RoleSnapshot = {
        member: true,
        roles: [...roles],
        nick: extra?.nick ?? previous?.nick ?? null,
        joinedAt: extra?.joinedAt ?? previous?.joinedAt ?? null,
        fetchedAt: now(),
      };
      await redis.set(roleKeys.cache(guildId, userId), JSON.stringify(snapshot), "EX", rolePolicy.cacheTtlSeconds);
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;

/**
 * Pacing locks a process remembers: each lasts seconds to minutes, so this
 * covers thousands of users looked up in that time. Past it the lock
 * ending soonest is forgotten (an expired one first).
 */
const pacingMemoryMax = 10_000;
