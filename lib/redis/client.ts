import "server-only";
import { Redis } from "ioredis";
import { getEnv } from "@/lib/env";
import { moduleLogger } from "@/lib/log";

const log = moduleLogger("redis");

/** Upper bound for one Redis command; past it the caller gets an error instead of hanging a web request. */
export const redisCommandTimeoutMs = 2_000;

/**
 * Opens a connection with the settings every process uses: bounded command
 * time, endless reconnect with capped backoff (so the app recovers by itself
 * when Redis returns), and no offline queue growing without bound.
 */
export function createRedis(url: string): Redis {
  const redis = new Redis(url, {
    commandTimeout: redisCommandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  redis.on("error", (error: Error) => log.warn({ err: error.message }, "redis connection error"));
  return redis;
}

const globalForRedis = globalThis as unknown as { safaRedis?: Redis };

/** The one connection of this process. */
export function getRedis(): Redis {
  globalForRedis.safaRedis ??= createRedis(getEnv().REDIS_URL);
  return globalForRedis.safaRedis;
}
