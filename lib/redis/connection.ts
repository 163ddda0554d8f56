import { Redis } from "ioredis";
import { moduleLogger } from "@/lib/log";

const log = moduleLogger("redis");

/** Upper bound for one Redis command; past it the caller gets an error instead of hanging a web request. */
export const redisCommandTimeoutMs = 2_000;

const connectionErrorLogEveryMs = 30_000;

/**
 * Opens a connection with the settings every app process uses: bounded
 * command time; endless reconnect with capped backoff, so the app recovers
 * by itself when Redis returns; and no offline queue, so while Redis is away
 * a command fails at once (and the caller serves its fallback) instead of
 * piling up and hanging web requests.
 */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    commandTimeout: redisCommandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let wasReady = false;
  let lastErrorLogAt = 0;
  redis.on("ready", () => {
    if (wasReady) log.info("redis reconnected");
    wasReady = true;
    lastErrorLogAt = 0;
  });
  redis.on("error", (error: Error) => {
    // Reconnect attempts fail every couple of seconds during an outage: say so once in a while, not every time.
    if (Date.now() - lastErrorLogAt < connectionErrorLogEveryMs) return;
    lastErrorLogAt = Date.now();
    log.warn({ err: error.message }, "redis connection error; reconnecting");
  });
  return redis;
}

/** Resolves once the connection is usable, or after `timeoutMs` (false): start-up should not hang on Redis. */
export function waitUntilReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once("ready", onReady);
  });
}

/**
 * True for errors that mean "Redis is not reachable right now" (as opposed
 * to a bug): the connection is down, not yet up, or a command timed out.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|MaxRetriesPerRequest|enableOfflineQueue/i.test(error.message);
}
