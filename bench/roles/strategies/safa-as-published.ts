import { z } from "zod";
import { tokenDigest } from "@/lib/auth/token-digest";
import { fetchMember, type MemberFetchOutcome } from "@/lib/roles/fetch-member";
import type { RoleStrategy, StrategyAnswer, StrategyDeps } from "./types";

/** The write-up's numbers, plus the call bound the role service also uses. */
const safaPolicy = {
  /** "expiry set to the rate-limit reset time (plus 1 second)". */
  retryAfterMarginMs: 1_000,
  /** When a 429 carries neither reset nor retry header: a full window of the default limit. */
  unknownResetMs: 60_000,
  /** The write-up relies on "native data expiry" without a number; a day, like ours, never expires within a run. */
  cacheTtlSeconds: 24 * 60 * 60,
  discordTimeoutMs: 4_000,
  /** Shown to a user when nothing is cached and Discord refused. */
  unavailableRetrySeconds: 5,
} as const;

/** The write-up's key names, under a bench prefix, with the token's digest in place of the raw token. */
export const safaKeys = {
  cache: (guildId: string, userId: string) => `bench_safa:discord_roles_${guildId}_${userId}`,
  retryAfter: (guildId: string, accessToken: string) => `bench_safa:discord_roles_${guildId}_${tokenDigest(accessToken)}_retry-after`,
};

const cachedRoles = z.object({ member: z.boolean(), roles: z.array(z.string()), fetchedAt: z.number() });
type CachedRoles = z.infer<typeof cachedRoles>;

function parseCached(raw: string | null): CachedRoles | null {
  if (raw === null) return null;
  try {
    const parsed = cachedRoles.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** "the rate-limit reset time": the bucket's reset-after, else the 429's retry-after, else a whole window. */
function resetMsOf(outcome: MemberFetchOutcome): number {
  const headers = "rateLimit" in outcome ? (outcome.rateLimit.resetAfterMs ?? outcome.rateLimit.retryAfterMs) : undefined;
  return headers ?? ("retryAfterMs" in outcome ? outcome.retryAfterMs : safaPolicy.unknownResetMs);
}

function served(cached: CachedRoles | null, message: string): StrategyAnswer {
  if (!cached) return { kind: "unavailable", retryAfterSeconds: safaPolicy.unavailableRetrySeconds, message };
  return { kind: "roles", ...cached, stale: true };
}

/**
 * "Fetch with cache fallback" exactly as the SAFA write-up describes it:
 * 1. if `discord_roles_<guild>_<token>_retry-after` exists, serve the cache;
 * 2. else call Discord; on success cache under `discord_roles_<guild>_<user>` and return;
 * 3. on a 429 set the retry-after key for the reset time plus 1 s, and serve the cache.
 * The check and the call are separate steps, as written: concurrent tabs may all call.
 * The lock is the token's, as written: a user on two devices has two locks
 * for the one budget Discord keeps per user.
 */
export function safaAsPublishedStrategy(deps: StrategyDeps): RoleStrategy {
  const { redis, guildId } = deps;
  return {
    async lookup(userId, sessionId) {
      const accessToken = await deps.tokens.accessToken(sessionId);
      const cacheKey = safaKeys.cache(guildId, userId);
      const retryKey = safaKeys.retryAfter(guildId, accessToken);
      if ((await redis.exists(retryKey)) === 1) return served(parseCached(await redis.get(cacheKey)), "Discord asked us to wait.");

      const outcome = await fetchMember({ apiBase: deps.apiBase, guildId, accessToken, timeoutMs: safaPolicy.discordTimeoutMs });
      if (outcome.kind === "member" || outcome.kind === "not-member") {
        const fresh: CachedRoles = { member: outcome.kind === "member", roles: outcome.kind === "member" ? outcome.roles : [], fetchedAt: Date.now() };
        await redis.set(cacheKey, JSON.stringify(fresh), "EX", safaPolicy.cacheTtlSeconds);
        return { kind: "roles", ...fresh, stale: false };
      }
      if (outcome.status === 429) {
        await redis.set(retryKey, "1", "PX", resetMsOf(outcome) + safaPolicy.retryAfterMarginMs);
        return served(parseCached(await redis.get(cacheKey)), "Discord rate limited this lookup.");
      }
      return served(parseCached(await redis.get(cacheKey)), `Discord answered ${outcome.status ?? "nothing"}.`);
    },
  };
}
