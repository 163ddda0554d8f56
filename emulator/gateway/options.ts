/**
 * The Gateway's part of the emulator's configuration: defaults, the zod schema that checks
 * `startEmulator({ gateway: {...} })`, and the CLI flags that set the same fields.
 */
import { z } from "zod";

export type GatewayOptions = {
  /** HELLO's `heartbeat_interval`; Discord sends 41250. Tests use a few hundred ms. */
  heartbeatIntervalMs?: number;
  /** How long a session outlives its socket (closed other than 1000/1001, or dropped) and may still be resumed. */
  resumeWindowSeconds?: number;
  /** Dispatches kept per session for RESUME; a `seq` older than the oldest kept closes 4007. */
  replayLimit?: number;
  /** `session_start_limit.total`: IDENTIFYs allowed per 24 h. */
  sessionStartLimit?: number;
  /** `session_start_limit.max_concurrency`: IDENTIFYs allowed per 5 s. */
  maxConcurrency?: number;
  /** Whether the application has the privileged GUILD_MEMBERS intent switched on in its settings. */
  guildMembersIntent?: boolean;
  /** Whether it has GUILD_PRESENCES switched on (off by default, as for most bots). */
  guildPresencesIntent?: boolean;
};

export type GatewayConfig = Required<GatewayOptions>;

export const GATEWAY_DEFAULTS: GatewayConfig = {
  heartbeatIntervalMs: 41_250,
  resumeWindowSeconds: 60,
  replayLimit: 1_000,
  sessionStartLimit: 1_000,
  maxConcurrency: 1,
  guildMembersIntent: true,
  guildPresencesIntent: false,
};

const positiveInt = z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" });

export const gatewayFieldSchemas = {
  heartbeatIntervalMs: positiveInt,
  resumeWindowSeconds: z.number({ error: "must be a number" }).positive({ error: "must be more than 0" }).finite({ error: "must be finite" }),
  replayLimit: positiveInt,
  sessionStartLimit: positiveInt,
  maxConcurrency: positiveInt,
  guildMembersIntent: z.boolean(),
  guildPresencesIntent: z.boolean(),
};

export const gatewayOptionsSchema = z
  .strictObject({
    heartbeatIntervalMs: gatewayFieldSchemas.heartbeatIntervalMs.default(GATEWAY_DEFAULTS.heartbeatIntervalMs),
    resumeWindowSeconds: gatewayFieldSchemas.resumeWindowSeconds.default(GATEWAY_DEFAULTS.resumeWindowSeconds),
    replayLimit: gatewayFieldSchemas.replayLimit.default(GATEWAY_DEFAULTS.replayLimit),
    sessionStartLimit: gatewayFieldSchemas.sessionStartLimit.default(GATEWAY_DEFAULTS.sessionStartLimit),
    maxConcurrency: gatewayFieldSchemas.maxConcurrency.default(GATEWAY_DEFAULTS.maxConcurrency),
    guildMembersIntent: gatewayFieldSchemas.guildMembersIntent.default(GATEWAY_DEFAULTS.guildMembersIntent),
    guildPresencesIntent: gatewayFieldSchemas.guildPresencesIntent.default(GATEWAY_DEFAULTS.guildPresencesIntent),
  })
  .default(GATEWAY_DEFAULTS);

/** `parseArgs` declarations of the Gateway's flags, spread into the emulator's own. */
export const GATEWAY_FLAGS = {
  "heartbeat-interval": { type: "string" },
  "resume-window": { type: "string" },
  "replay-limit": { type: "string" },
  "session-start-limit": { type: "string" },
  "max-concurrency": { type: "string" },
  "no-members-intent": { type: "boolean" },
  "presences-intent": { type: "boolean" },
} as const;

export const GATEWAY_USAGE = `  --heartbeat-interval <ms>  Gateway HELLO heartbeat_interval (default ${GATEWAY_DEFAULTS.heartbeatIntervalMs})
  --resume-window <seconds>  how long a disconnected Gateway session may be resumed (default ${GATEWAY_DEFAULTS.resumeWindowSeconds})
  --replay-limit <n>         dispatches kept per session for RESUME (default ${GATEWAY_DEFAULTS.replayLimit})
  --session-start-limit <n>  IDENTIFYs per 24 h (session_start_limit.total, default ${GATEWAY_DEFAULTS.sessionStartLimit})
  --max-concurrency <n>      IDENTIFYs per 5 s (session_start_limit.max_concurrency, default ${GATEWAY_DEFAULTS.maxConcurrency})
  --no-members-intent        the application has not enabled GUILD_MEMBERS (IDENTIFY with it closes 4014)
  --presences-intent         the application has enabled GUILD_PRESENCES (default: not; MESSAGE_CONTENT never is)`;

/** The Gateway flags actually given, or undefined when none were, so `options.gateway` stays absent. */
export function givenGatewayOptions(options: GatewayOptions): GatewayOptions | undefined {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return Object.keys(given).length > 0 ? given : undefined;
}
