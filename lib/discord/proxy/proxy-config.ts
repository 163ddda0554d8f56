import { parseArgs } from "node:util";
import { z } from "zod";
import { redisTargetFromEnv, RedisTargetError, type RedisTarget } from "@/lib/redis/target";

/** Everything the proxy is told at start-up, checked once. */
export type ProxyConfig = {
  host: string;
  port: number;
  /** Including the version, e.g. `https://discord.com/api/v10`. */
  apiBase: string;
  /** REDIS_URL, or the Sentinels of REDIS_SENTINELS (which win when both are set). */
  redis: RedisTarget;
  /** The bot tokens the proxy forwards; any other bot token is refused locally. */
  botTokens: string[];
  /** Forward OAuth2 bearer tokens (any user's) too. */
  allowBearer: boolean;
  /** Longest a request waits for its slot before the proxy answers 429 itself. */
  deadlineMs: number;
  /** Larger request bodies are refused with 413, unread. */
  maxBodyBytes: number;
  globalPerSecond: number;
};

export class ProxyConfigError extends Error {
  override readonly name = "ProxyConfigError";
}

/** Defaults, with units in their names; a flag or variable overrides each. */
export const proxyDefaults = {
  host: "127.0.0.1",
  port: 8_090,
  /** A Discord client waits for its own 429 retries too; past this it learns which limit held it. */
  deadlineMs: 15_000,
  /** Discord's largest upload (boosted guilds) is 100 MiB; attachments beyond a bot's 25 MiB are rare. */
  maxBodyBytes: 26_214_400,
} as const;

export const PROXY_USAGE = `npm run proxy -- [flags]

A Discord REST proxy: send /api/v10/... (or /api/v9/...) here instead of to
discord.com, with your own Authorization header. Every replica and the
dashboard share one set of limits in Redis.

  --port <n>             port to listen on (default ${proxyDefaults.port}; 0 picks a free one)
  --host <address>       address to listen on (default ${proxyDefaults.host}: loopback only)
  --deadline-ms <n>      longest wait for a slot before a proxy-generated 429 (default ${proxyDefaults.deadlineMs})
  --max-body-bytes <n>   largest request body (default ${proxyDefaults.maxBodyBytes})
  --allow-bearer         forward OAuth2 Bearer tokens too (default: bot tokens only)
  --help                 this text

Environment (the app's own): DISCORD_BOT_TOKEN (the bot token forwarded),
DISCORD_API_BASE (default https://discord.com/api/v10), REDIS_URL or
REDIS_SENTINELS (with REDIS_MASTER_NAME, REDIS_PASSWORD and
REDIS_SENTINEL_PASSWORD), DISCORD_GLOBAL_LIMIT_PER_SECOND (default 50); DISCORD_PROXY_BOT_TOKENS adds
further bot tokens, comma-separated.`;

const positiveInt = z.coerce.number().int().positive();
const envSchema = z.object({
  DISCORD_BOT_TOKEN: z.string().min(1, "must not be empty"),
  DISCORD_API_BASE: z.url({ message: "must be an absolute URL" }).default("https://discord.com/api/v10").transform((value) => value.replace(/\/+$/, "")),
  // Empty means unset, so REDIS_URL= beside REDIS_SENTINELS is no error.
  REDIS_URL: z.preprocess((value) => (value === "" ? undefined : value), z.string().regex(/^rediss?:\/\/.+/, "must be a redis:// or rediss:// URL").optional()),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_MASTER_NAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  DISCORD_GLOBAL_LIMIT_PER_SECOND: positiveInt.max(10_000).default(50),
  DISCORD_PROXY_BOT_TOKENS: z.string().optional(),
});
const flagSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(proxyDefaults.port),
  host: z.string().min(1).default(proxyDefaults.host),
  deadlineMs: positiveInt.max(600_000).default(proxyDefaults.deadlineMs),
  maxBodyBytes: positiveInt.default(proxyDefaults.maxBodyBytes),
});

/** Flags and environment to a config; the first problem is one line naming the flag or variable. */
export function parseProxyConfig(argv: string[], env: Record<string, string | undefined>): ProxyConfig | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "deadline-ms": { type: "string" },
        "max-body-bytes": { type: "string" },
        "allow-bearer": { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new ProxyConfigError((error as Error).message);
  }
  if (values.help) return "help";
  const flags = flagSchema.safeParse({ port: values.port, host: values.host, deadlineMs: values["deadline-ms"], maxBodyBytes: values["max-body-bytes"] });
  if (!flags.success) {
    const issue = flags.error.issues[0];
    const flag = String(issue?.path[0] ?? "").replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    throw new ProxyConfigError(`--${flag}: ${issue?.message ?? "is invalid"}`);
  }
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) {
    const issue = parsedEnv.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    const problem = env[variable] === undefined || env[variable] === "" ? "is missing" : (issue?.message ?? "is invalid");
    throw new ProxyConfigError(`${variable} ${problem}`);
  }
  const extra = (parsedEnv.data.DISCORD_PROXY_BOT_TOKENS ?? "")
    .split(",")
    .map((token) => token.trim())
    .filter(Boolean);
  return {
    ...flags.data,
    apiBase: parsedEnv.data.DISCORD_API_BASE,
    redis: proxyRedisTarget(parsedEnv.data),
    botTokens: [...new Set([parsedEnv.data.DISCORD_BOT_TOKEN, ...extra])],
    allowBearer: values["allow-bearer"] === true,
    globalPerSecond: parsedEnv.data.DISCORD_GLOBAL_LIMIT_PER_SECOND,
  };
}

function proxyRedisTarget(env: Parameters<typeof redisTargetFromEnv>[0]): RedisTarget {
  try {
    return redisTargetFromEnv(env);
  } catch (error) {
    if (error instanceof RedisTargetError) throw new ProxyConfigError(error.message);
    throw error;
  }
}
