import { parseArgs } from "node:util";
import { z } from "zod";
import { GATEWAY_FLAGS, GATEWAY_USAGE, gatewayFieldSchemas, gatewayOptionsSchema, givenGatewayOptions, type GatewayConfig, type GatewayOptions } from "./gateway/options";
import type { Clock } from "./rate-limiter";
import { ROUTE_CATALOG, ROUTE_KEYS, isRateLimited, isRouteKey, type RouteKey, type RouteLimit } from "./route-catalog";

/** Everything `startEmulator` accepts; each field mirrors a CLI flag (see main.ts). */
export type EmulatorOptions = {
  /** 0 picks any free port. */
  port?: number;
  host?: string;
  /** Overrides per route, e.g. `{ "GET /users/@me/guilds/:guild_id/member": { count: 5, windowSeconds: 1 } }`. */
  routeLimits?: Partial<Record<RouteKey, RouteLimit>>;
  globalLimitPerSecond?: number;
  /** Invalid (401, 403, 429) answers per IP per 10 minutes before the IP is banned. */
  invalidLimit?: number;
  banSeconds?: number;
  tokenTtlSeconds?: number;
  /** When empty, any http(s) URL on localhost or 127.0.0.1 is accepted. */
  redirectUris?: string[];
  clientId?: string;
  clientSecret?: string;
  botToken?: string;
  /**
   * Changes to one member's roles per window, whoever makes them: a `shared`
   * 429 past it, as Discord answers for a busy resource. Off by default.
   */
  sharedMemberRoleLimit?: RouteLimit;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  clock?: Clock;
  /** The Gateway (WebSocket) side: heartbeat, resume window, identify budget, privileged intents. */
  gateway?: GatewayOptions;
};

/** Options with every default applied and route limits resolved per bucket group. */
export type EmulatorConfig = {
  port: number;
  host: string;
  bucketLimits: ReadonlyMap<string, RouteLimit>;
  globalLimitPerSecond: number;
  invalidLimit: number;
  banSeconds: number;
  tokenTtlSeconds: number;
  redirectUris: readonly string[];
  clientId: string;
  clientSecret: string;
  botToken: string;
  /** `null`: no shared limit on a member's roles. */
  sharedMemberRoleLimit: RouteLimit | null;
  clock: Clock;
  gateway: GatewayConfig;
};

export const DEFAULTS = {
  port: 3001,
  host: "127.0.0.1",
  globalLimitPerSecond: 50,
  invalidLimit: 10_000,
  banSeconds: 3600,
  tokenTtlSeconds: 604_800,
  clientId: "1400000000000000001",
  clientSecret: "emulator-client-secret",
  botToken: "emulator-bot-token",
} as const;

const number = () => z.number({ error: "must be a number" });
const positiveInt = number().int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" });
const positiveSeconds = number().positive({ error: "must be more than 0" }).finite({ error: "must be finite" });
const routeLimitSchema = z.object({ count: positiveInt, windowSeconds: positiveSeconds });
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const fieldSchemas = {
  port: number().int({ error: "must be a whole number" }).min(0).max(65_535, { error: "must be at most 65535" }),
  host: z.string().min(1),
  globalLimitPerSecond: positiveInt,
  invalidLimit: positiveInt,
  banSeconds: positiveSeconds,
  tokenTtlSeconds: positiveInt,
  redirectUri: httpUrl,
  clientId: z.string().regex(/^\d{17,20}$/, "must be a snowflake (17 to 20 digits)"),
  clientSecret: z.string().min(1),
  botToken: z.string().min(1),
};

const optionsSchema = z.object({
  port: fieldSchemas.port.default(0),
  host: fieldSchemas.host.default(DEFAULTS.host),
  routeLimits: z.partialRecord(z.enum(ROUTE_KEYS), routeLimitSchema).default({}),
  globalLimitPerSecond: fieldSchemas.globalLimitPerSecond.default(DEFAULTS.globalLimitPerSecond),
  invalidLimit: fieldSchemas.invalidLimit.default(DEFAULTS.invalidLimit),
  banSeconds: fieldSchemas.banSeconds.default(DEFAULTS.banSeconds),
  tokenTtlSeconds: fieldSchemas.tokenTtlSeconds.default(DEFAULTS.tokenTtlSeconds),
  redirectUris: z.array(fieldSchemas.redirectUri).default([]),
  clientId: fieldSchemas.clientId.default(DEFAULTS.clientId),
  clientSecret: fieldSchemas.clientSecret.default(DEFAULTS.clientSecret),
  botToken: fieldSchemas.botToken.default(DEFAULTS.botToken),
  sharedMemberRoleLimit: routeLimitSchema.nullable().default(null),
  clock: z.custom<Clock>((value) => typeof value === "function").default(() => Date.now),
  gateway: gatewayOptionsSchema,
});

/** Thrown for bad options or flags; the message is one line fit for a terminal. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

function describeIssues(error: z.ZodError, prefix = ""): string {
  return error.issues.map((issue) => `${prefix}${issue.path.join(".") || "options"}: ${issue.message}`).join("; ");
}

/** Applies defaults and checks every option, so a typo in a test fails at start-up, not as a strange 429 later. */
export function resolveConfig(options: EmulatorOptions): EmulatorConfig {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  const { routeLimits, ...rest } = parsed.data;
  return { ...rest, bucketLimits: resolveBucketLimits(routeLimits) };
}

/** Routes that share a bucket (PUT and DELETE member role) must share its limit too. */
function resolveBucketLimits(overrides: Partial<Record<RouteKey, RouteLimit>>): Map<string, RouteLimit> {
  const limits = new Map<string, RouteLimit>();
  const setBy = new Map<string, RouteKey>();
  for (const key of ROUTE_KEYS) {
    const { bucketGroup, defaultLimit } = ROUTE_CATALOG[key];
    const override = overrides[key];
    if (override && !isRateLimited(key)) throw new ConfigError(`route limit for "${key}": this page is not rate limited`);
    if (override) {
      const earlier = setBy.get(bucketGroup);
      const earlierLimit = limits.get(bucketGroup);
      if (earlier && earlierLimit && !sameLimit(earlierLimit, override)) {
        throw new ConfigError(`route limits for "${earlier}" and "${key}" differ, but the two routes share one bucket`);
      }
      limits.set(bucketGroup, override);
      setBy.set(bucketGroup, key);
    } else if (defaultLimit && !limits.has(bucketGroup)) {
      limits.set(bucketGroup, defaultLimit);
    }
  }
  return limits;
}

function sameLimit(a: RouteLimit, b: RouteLimit): boolean {
  return a.count === b.count && a.windowSeconds === b.windowSeconds;
}

export type ParsedFlags = { help: true } | { help: false; options: EmulatorOptions };

export const USAGE = `Usage: tsx emulator/main.ts [flags]
  --port <n>                 port to listen on (default ${DEFAULTS.port}; 0 = any free port)
  --host <addr>              address to bind (default ${DEFAULTS.host})
  --route-limit '<METHOD> <template>=<count>/<seconds>'
                             e.g. 'GET /users/@me/guilds/:guild_id/member=5/60' (repeatable)
  --global-limit <n>         requests per second per token or IP (default ${DEFAULTS.globalLimitPerSecond})
  --invalid-limit <n>        401/403/429 answers per IP per 10 minutes before a ban (default ${DEFAULTS.invalidLimit})
  --ban-seconds <n>          length of the ban (default ${DEFAULTS.banSeconds})
  --token-ttl <seconds>      access token lifetime (default ${DEFAULTS.tokenTtlSeconds})
  --redirect-uri <url>       allowed OAuth2 redirect URI (repeatable; default: any localhost URL)
  --client-id <id>           OAuth2 client id (default ${DEFAULTS.clientId})
  --client-secret <secret>   OAuth2 client secret (default ${DEFAULTS.clientSecret})
  --bot-token <token>        bot token (default ${DEFAULTS.botToken})
  --shared-member-role-limit <count>/<seconds>
                             role changes per member per window across all callers, then a
                             429 with X-RateLimit-Scope: shared (default: no such limit)
${GATEWAY_USAGE}
  --help                     show this text`;

const ROUTE_LIMIT_PATTERN = /^([A-Za-z]+)\s+(\S+)=(\d+)\/(\d+(?:\.\d+)?)$/;

/** Parses one `--route-limit` value; the template may carry the `/api/v10` prefix. */
export function parseRouteLimitFlag(value: string): [RouteKey, RouteLimit] {
  const match = ROUTE_LIMIT_PATTERN.exec(value.trim());
  if (!match) throw new ConfigError(`--route-limit: expected '<METHOD> <template>=<count>/<seconds>', got "${value}"`);
  const [, method = "", rawTemplate = "", count = "", seconds = ""] = match;
  const template = rawTemplate.replace(/^\/api(\/v10)?(?=\/)/, "").replace(/(?<=.)\/$/, "");
  const key = `${method.toUpperCase()} ${template}`;
  if (!isRouteKey(key)) throw new ConfigError(`--route-limit: unknown route "${key}"; known routes: ${ROUTE_KEYS.filter(isRateLimited).join(", ")}`);
  const limit = { count: Number(count), windowSeconds: Number(seconds) };
  const parsed = routeLimitSchema.safeParse(limit);
  if (!parsed.success) throw new ConfigError(`--route-limit "${value}": ${describeIssues(parsed.error)}`);
  return [key, parsed.data];
}

/** `<count>/<seconds>`, as in `--route-limit`. */
function limitFlag(flag: string, value: string | undefined): RouteLimit | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value.trim());
  const parsed = routeLimitSchema.safeParse(match ? { count: Number(match[1]), windowSeconds: Number(match[2]) } : undefined);
  if (!parsed.success) throw new ConfigError(`--${flag}: expected '<count>/<seconds>', got "${value}"`);
  return parsed.data;
}

function numberFlag(flag: string, value: string | undefined, schema: z.ZodNumber): number | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value.trim() === "" ? Number.NaN : Number(value));
  if (!parsed.success) throw new ConfigError(`--${flag}: ${parsed.error.issues[0]?.message ?? "invalid"} (got "${value}")`);
  return parsed.data;
}

function stringFlag(flag: string, value: string | undefined, schema: z.ZodType<string>): string | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`--${flag}: ${parsed.error.issues[0]?.message ?? "invalid"} (got "${value}")`);
  return parsed.data;
}

/** Turns CLI flags into options; throws ConfigError with one clear line on anything unknown or malformed. */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "route-limit": { type: "string", multiple: true },
        "global-limit": { type: "string" },
        "invalid-limit": { type: "string" },
        "ban-seconds": { type: "string" },
        "token-ttl": { type: "string" },
        "redirect-uri": { type: "string", multiple: true },
        "client-id": { type: "string" },
        "client-secret": { type: "string" },
        "bot-token": { type: "string" },
        "shared-member-role-limit": { type: "string" },
        ...GATEWAY_FLAGS,
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message.split("\n")[0] ?? error.message : String(error));
  }
  if (values.help) return { help: true };

  const routeLimits: Partial<Record<RouteKey, RouteLimit>> = {};
  for (const raw of values["route-limit"] ?? []) {
    const [key, limit] = parseRouteLimitFlag(raw);
    routeLimits[key] = limit;
  }
  const options: EmulatorOptions = {
    port: numberFlag("port", values.port, fieldSchemas.port) ?? DEFAULTS.port,
    host: stringFlag("host", values.host, fieldSchemas.host),
    routeLimits,
    globalLimitPerSecond: numberFlag("global-limit", values["global-limit"], fieldSchemas.globalLimitPerSecond),
    invalidLimit: numberFlag("invalid-limit", values["invalid-limit"], fieldSchemas.invalidLimit),
    banSeconds: numberFlag("ban-seconds", values["ban-seconds"], fieldSchemas.banSeconds),
    tokenTtlSeconds: numberFlag("token-ttl", values["token-ttl"], fieldSchemas.tokenTtlSeconds),
    redirectUris: (values["redirect-uri"] ?? []).map((uri) => stringFlag("redirect-uri", uri, fieldSchemas.redirectUri) ?? uri),
    clientId: stringFlag("client-id", values["client-id"], fieldSchemas.clientId),
    clientSecret: stringFlag("client-secret", values["client-secret"], fieldSchemas.clientSecret),
    botToken: stringFlag("bot-token", values["bot-token"], fieldSchemas.botToken),
    sharedMemberRoleLimit: limitFlag("shared-member-role-limit", values["shared-member-role-limit"]),
    gateway: givenGatewayOptions({
      heartbeatIntervalMs: numberFlag("heartbeat-interval", values["heartbeat-interval"], gatewayFieldSchemas.heartbeatIntervalMs),
      resumeWindowSeconds: numberFlag("resume-window", values["resume-window"], gatewayFieldSchemas.resumeWindowSeconds),
      replayLimit: numberFlag("replay-limit", values["replay-limit"], gatewayFieldSchemas.replayLimit),
      sessionStartLimit: numberFlag("session-start-limit", values["session-start-limit"], gatewayFieldSchemas.sessionStartLimit),
      maxConcurrency: numberFlag("max-concurrency", values["max-concurrency"], gatewayFieldSchemas.maxConcurrency),
      guildMembersIntent: values["no-members-intent"] ? false : undefined,
      guildPresencesIntent: values["presences-intent"] ? true : undefined,
    }),
  };
  // Checks the combination (e.g. conflicting limits on a shared bucket) before the server starts.
  resolveConfig(options);
  return { help: false, options };
}
