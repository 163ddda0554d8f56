import type { Redis } from "ioredis";
import { z } from "zod";
import { moduleLogger } from "@/lib/log";
import { jitteredPause, tryLock } from "@/lib/redis/lock";
import { InvalidGrantError, OAuthUnavailableError, refreshTokenSet, type OAuthConfig, type TokenSet } from "./discord-oauth";
import { SessionExpiredError } from "./errors";
import { decryptText, deriveTokenKey, encryptText } from "./token-crypto";

const log = moduleLogger("token-store");

/** Token storage policy: one place, units in the names. */
export const tokenPolicy = {
  /** Refresh when the access token has less than this left (Discord's last 7 days). */
  refreshMarginMs: 60 * 60 * 1_000,
  /** How long stored tokens outlive the session cookie at most. */
  storeTtlSeconds: 30 * 24 * 60 * 60,
  /** Lease of the refresh lock; a refresh call is bounded well below it. */
  refreshLockMs: 10_000,
  /** How long a request waits for another process's refresh before giving up. */
  refreshWaitMs: 8_000,
  refreshPollMs: 60,
} as const;

const storedTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresAt: z.number(),
  scope: z.string(),
  userId: z.string(),
});
export type StoredTokens = z.infer<typeof storedTokens>;

export function tokensKey(sessionId: string): string {
  return `discord_tokens_${sessionId}`;
}

/** The ids of a user's sessions, so all of them can be ended at once (the member left the server). */
export function userSessionsKey(userId: string): string {
  return `discord_sessions_${userId}`;
}

export type TokenStore = ReturnType<typeof createTokenStore>;

/**
 * Discord tokens of each login session, encrypted at rest in Redis. The
 * session cookie carries only the session id. Refresh tokens are single-use
 * at Discord, so a refresh is done once across every process: under a Redis
 * lock, re-reading the tokens after taking it.
 */
export function createTokenStore(options: { redis: Redis; secret: string; oauth: OAuthConfig }) {
  const { redis, oauth } = options;
  const key = deriveTokenKey(options.secret);

  async function read(sessionId: string): Promise<StoredTokens | null> {
    const sealed = await redis.get(tokensKey(sessionId));
    if (sealed === null) return null;
    try {
      return storedTokens.parse(JSON.parse(decryptText(key, sealed)));
    } catch (error) {
      log.error({ err: (error as Error).message }, "stored tokens unreadable; dropping them");
      await redis.del(tokensKey(sessionId));
      return null;
    }
  }

  async function write(sessionId: string, tokens: StoredTokens): Promise<void> {
    await redis
      .multi()
      .set(tokensKey(sessionId), encryptText(key, JSON.stringify(tokens)), "EX", tokenPolicy.storeTtlSeconds)
      .sadd(userSessionsKey(tokens.userId), sessionId)
      .expire(userSessionsKey(tokens.userId), tokenPolicy.storeTtlSeconds)
      .exec();
  }

  /**
   * Refreshes once for everybody: whoever takes the lock re-reads the tokens
   * and refreshes only if `stillNeeded` says so; the others wait for the new
   * tokens to appear.
   */
  async function refreshShared(sessionId: string, stillNeeded: (current: StoredTokens) => boolean): Promise<StoredTokens> {
    const deadline = Date.now() + tokenPolicy.refreshWaitMs;
    const lockKey = `${tokensKey(sessionId)}_refresh-lock`;
    while (Date.now() < deadline) {
      const lock = await tryLock(redis, lockKey, tokenPolicy.refreshLockMs);
      if (lock) {
        try {
          const current = await read(sessionId);
          if (!current) throw new SessionExpiredError();
          if (!stillNeeded(current)) return current;
          return await refreshNow(sessionId, current);
        } finally {
          await lock.release();
        }
      }
      await jitteredPause(tokenPolicy.refreshPollMs);
      const current = await read(sessionId);
      if (!current) throw new SessionExpiredError();
      if (!stillNeeded(current)) return current;
    }
    throw new OAuthUnavailableError("Another request is still refreshing the Discord login", 1_000);
  }

  async function refreshNow(sessionId: string, current: StoredTokens): Promise<StoredTokens> {
    let fresh: TokenSet;
    try {
      fresh = await refreshTokenSet(oauth, current.refreshToken);
    } catch (error) {
      if (error instanceof InvalidGrantError) {
        log.warn({ userId: current.userId }, "refresh token refused by Discord; signing the user out");
        await redis.del(tokensKey(sessionId));
        throw new SessionExpiredError();
      }
      if (error instanceof OAuthUnavailableError && current.expiresAt > Date.now()) {
        log.warn({ userId: current.userId, err: error.message }, "token refresh postponed; current token still valid");
        return current;
      }
      throw error;
    }
    const next: StoredTokens = { ...fresh, userId: current.userId };
    await write(sessionId, next);
    log.info({ userId: current.userId }, "discord token refreshed");
    return next;
  }

  return {
    save: (sessionId: string, tokens: StoredTokens) => write(sessionId, tokens),
    read,
    async remove(sessionId: string): Promise<StoredTokens | null> {
      const current = await read(sessionId);
      await redis.del(tokensKey(sessionId));
      if (current) await redis.srem(userSessionsKey(current.userId), sessionId);
      return current;
    },
    /**
     * Whether the session still exists server-side. The session id travels
     * only inside the encrypted cookie, so its tokens' presence is the proof;
     * logout, a refused refresh and `endUserSessions` all delete them.
     */
    async alive(sessionId: string): Promise<boolean> {
      return (await redis.exists(tokensKey(sessionId))) === 1;
    },
    /** Ends every session of a user (they left the server): each cookie is refused from its next request on. Returns how many ended. */
    async endUserSessions(userId: string): Promise<number> {
      const sessionIds = await redis.smembers(userSessionsKey(userId));
      const ended = sessionIds.length === 0 ? 0 : await redis.del(...sessionIds.map(tokensKey));
      await redis.del(userSessionsKey(userId));
      if (ended > 0) log.info({ userId, sessions: ended }, "every session of the user ended");
      return ended;
    },
    /** A usable access token, refreshed first if it expires within the margin. */
    async accessToken(sessionId: string): Promise<string> {
      const current = await read(sessionId);
      if (!current) throw new SessionExpiredError();
      const expiring = (tokens: StoredTokens) => tokens.expiresAt - Date.now() <= tokenPolicy.refreshMarginMs;
      if (!expiring(current)) return current.accessToken;
      return (await refreshShared(sessionId, expiring)).accessToken;
    },
    /** After Discord answered 401 to `rejected`: refresh once, unless another request already did. */
    async refreshAfterUnauthorized(sessionId: string, rejected: string): Promise<string> {
      return (await refreshShared(sessionId, (tokens) => tokens.accessToken === rejected)).accessToken;
    },
  };
}
