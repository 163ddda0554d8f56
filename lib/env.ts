import { z } from "zod";

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a Discord snowflake (17 to 20 digits)");
const url = z.url({ message: "must be an absolute URL" });
const sentinelList = /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*,?\s*$/;

/** An empty variable (`REDIS_URL=` in a shell or unit file) means "not set", not "set to nothing". */
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

/**
 * Every setting the app reads. `process.env` is read here and nowhere else,
 * so a missing or malformed variable fails once, at start-up, by name.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DISCORD_CLIENT_ID: snowflake,
  DISCORD_CLIENT_SECRET: z.string().min(1, "must not be empty"),
  DISCORD_BOT_TOKEN: z.string().min(1, "must not be empty"),
  DISCORD_API_BASE: url.default("https://discord.com/api/v10").transform((value) => value.replace(/\/+$/, "")),
  /** Where avatar images come from: Discord's CDN, or the emulator, which serves them too. The CSP allows exactly this origin for images. */
  DISCORD_CDN_BASE: url.default("https://cdn.discordapp.com").transform((value) => value.replace(/\/+$/, "")),
  DISCORD_GUILD_ID: snowflake,
  /** The text channel every applied roster change is announced in; left out, nothing is announced. */
  DISCORD_TRANSACTIONS_CHANNEL_ID: snowflake.optional(),
  DISCORD_INVITE_URL: url,
  DISCORD_ROLE_UPDATED_PROFILE: snowflake,
  DISCORD_ROLE_FREE_AGENT: snowflake,
  DISCORD_ROLE_PLAYER: snowflake,
  DISCORD_ROLE_TEAM_MANAGER: snowflake,
  DISCORD_ROLE_TOURNAMENT_ADMIN: snowflake,
  /** One Redis server; required unless REDIS_SENTINELS is set (which then wins). */
  REDIS_URL: z.preprocess(emptyAsUnset, z.string().regex(/^rediss?:\/\/.+/, "must be a redis:// or rediss:// URL").optional()),
  /** Redis Sentinels, `host:port,host:port,...`: the app asks them which server is the primary and follows a failover. */
  REDIS_SENTINELS: z.preprocess(emptyAsUnset, z.string().regex(sentinelList, "must be host:port pairs separated by commas (e.g. 10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379)").optional()),
  /** The name the Sentinels monitor the primary under. */
  REDIS_MASTER_NAME: z.preprocess(emptyAsUnset, z.string().regex(/^[A-Za-z0-9._-]+$/, "must be letters, digits, dots, dashes or underscores").default("safa")),
  /** Password of the Redis data nodes (Sentinel mode; with REDIS_URL put it in the URL). */
  REDIS_PASSWORD: z.preprocess(emptyAsUnset, z.string().optional()),
  /** Password of the Sentinels themselves, when they require one. */
  REDIS_SENTINEL_PASSWORD: z.preprocess(emptyAsUnset, z.string().optional()),
  /** Replicas an action's writes must reach (WAIT) before it answers success; 0 waits for none. */
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(10).default(0),
  /** Longest an action waits for those replicas, in milliseconds. */
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(1_500, "must be at most 1500 (a Redis command times out after 2000 ms, so a longer WAIT would refuse every action)").default(500),
  NEXTAUTH_URL: url,
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Write logs to this file instead of standard output. */
  LOG_FILE: z.string().optional(),
  /** Largest roster a team may have. */
  TEAM_ROSTER_MAX: z.coerce.number().int().min(2).max(100).default(23),
  /** How long a team's offer of a place stays open, in hours. */
  OFFER_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  /** Discord's global limit for this bot token, requests per second. */
  DISCORD_GLOBAL_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(50),
  /** How many reverse proxies stand in front of the app, each appending to X-Forwarded-For (0: clients connect directly). */
  TRUSTED_PROXY_COUNT: z.coerce.number().int().min(0).max(10).default(0),
  /** Bearer token Prometheus sends to scrape /api/metrics; without it the endpoint answers 404. */
  METRICS_TOKEN: z.string().min(24, "must be at least 24 characters (try: openssl rand -hex 24)").optional(),
  /** "1" only for the local demo and the tests: allows the published demo secrets of .env.example. */
  SAFA_DEMO_MODE: z.enum(["0", "1"], { message: 'must be "0" or "1"' }).default("0"),
}).superRefine((env, context) => {
  if (env.REDIS_URL === undefined && env.REDIS_SENTINELS === undefined) context.addIssue({ code: "custom", path: ["REDIS_URL"], message: "is missing" });
});

export type Env = z.infer<typeof envSchema>;

/** Every variable the app reads, for documentation checks. */
export const envVariableNames = Object.keys(envSchema.shape) as (keyof Env)[];

export class EnvError extends Error {
  override name = "EnvError";
}

/**
 * Session secrets that are public: the demo's (.env.example) and the
 * tests'. Anyone can mint a session cookie for any user with them, so they
 * are refused unless the demo or the tests say explicitly that they are.
 */
export const publishedDemoSecrets: readonly string[] = [
  "demo-secret-change-me-0123456789abcdef",
  "integration-test-secret-0123456789abcdef",
  "focus-storm-bench-secret-0123456789abcdef",
];

/** Parses a given environment; the first problem becomes one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) {
    if (result.data.SAFA_DEMO_MODE !== "1" && publishedDemoSecrets.includes(result.data.NEXTAUTH_SECRET)) {
      throw new EnvError(
        "Configuration error: NEXTAUTH_SECRET is a published demo value that anyone could sign sessions with; set your own (openssl rand -base64 32). See .env.example.",
      );
    }
    return result.data;
  }
  const issue = result.error.issues[0];
  const variable = issue?.path.join(".") ?? "environment";
  const problem = source[variable] === undefined || source[variable] === "" ? "is missing" : (issue?.message ?? "is invalid");
  throw new EnvError(`Configuration error: ${variable} ${problem}. See .env.example.`);
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
