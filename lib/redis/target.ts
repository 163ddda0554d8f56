import type { Env } from "@/lib/env";
import { moduleLogger } from "@/lib/log";

/** Where a process finds Redis: one server by URL, or the primary that Sentinel names. */
export type RedisTarget =
  | { kind: "url"; url: string }
  | { kind: "sentinel"; sentinels: SentinelAddress[]; masterName: string; password?: string; sentinelPassword?: string };

export type SentinelAddress = { host: string; port: number };

export type RedisTargetEnv = Partial<Pick<Env, "REDIS_URL" | "REDIS_SENTINELS" | "REDIS_MASTER_NAME" | "REDIS_PASSWORD" | "REDIS_SENTINEL_PASSWORD">>;

export class RedisTargetError extends Error {
  override readonly name = "RedisTargetError";
}

/** The master name Sentinel monitors when REDIS_MASTER_NAME is not set. */
export const defaultMasterName = "safa";

const sentinelsExample = "10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379";

/**
 * Parses REDIS_SENTINELS: `host:port` pairs separated by commas. A bad
 * entry is one sentence naming the variable, so a typo fails at start-up
 * rather than as an endless reconnect loop.
 */
export function parseSentinels(value: string): SentinelAddress[] {
  const entries = value.split(",").map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new RedisTargetError(`REDIS_SENTINELS lists no Sentinel; give host:port pairs separated by commas, e.g. ${sentinelsExample}.`);
  return entries.map((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new RedisTargetError(`REDIS_SENTINELS has "${entry}", which is not host:port; give host:port pairs separated by commas, e.g. ${sentinelsExample}.`);
    }
    return { host: match[1].replace(/^\[|\]$/g, ""), port };
  });
}

let warnedUrlIgnored = false;

/**
 * The target the environment describes. Sentinel wins when REDIS_SENTINELS
 * is set (REDIS_URL is then ignored, and a log line says so once per
 * process); otherwise REDIS_URL, as before Sentinel was supported.
 */
export function redisTargetFromEnv(env: RedisTargetEnv): RedisTarget {
  const sentinels = env.REDIS_SENTINELS?.trim();
  if (sentinels) {
    if (env.REDIS_URL && !warnedUrlIgnored) {
      warnedUrlIgnored = true;
      moduleLogger("redis").warn("REDIS_SENTINELS is set: REDIS_URL is ignored and the primary is asked of Sentinel");
    }
    return {
      kind: "sentinel",
      sentinels: parseSentinels(sentinels),
      masterName: env.REDIS_MASTER_NAME || defaultMasterName,
      ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
      ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
    };
  }
  if (!env.REDIS_URL) throw new RedisTargetError("REDIS_URL is missing (or set REDIS_SENTINELS to use Redis Sentinel).");
  return { kind: "url", url: env.REDIS_URL };
}

/** For logs: where the target points, never its passwords. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === "url") return target.url.replace(/\/\/[^@/]*@/, "//***@");
  return `sentinel ${target.masterName} via ${target.sentinels.map((sentinel) => `${sentinel.host}:${sentinel.port}`).join(",")}`;
}
