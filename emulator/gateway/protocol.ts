/**
 * The Gateway's wire rules: Discord's documented limits, the intents it knows, and zod schemas
 * for every payload a client may send. Close codes and opcodes are discord-api-types' enums.
 */
import { GatewayIntentBits, GatewayOpcodes } from "discord-api-types/v10";
import { z } from "zod";

/** The only API version the emulator speaks; anything else in `?v=` closes 4012. */
export const GATEWAY_VERSION = 10;

/** The Gateway's path on the emulator's port; `GET /gateway` and READY point here. */
export const GATEWAY_PATH = "/gateway";

/** `ws://<host the client used>/gateway`: the address the client reached the emulator by. */
export function gatewayUrl(host: string | undefined, fallbackHost: string): string {
  return `ws://${host ?? fallbackHost}${GATEWAY_PATH}`;
}

/** Discord closes a connection that sends a payload over 4096 bytes with 4002. */
export const MAX_PAYLOAD_BYTES = 4_096;

/** 120 payloads per connection per 60 s, then close 4008. */
export const SEND_LIMIT = { count: 120, windowMs: 60_000 } as const;

/** `max_concurrency` counts IDENTIFYs per 5 s; `total` counts them per 24 h. */
export const IDENTIFY_CONCURRENCY_WINDOW_MS = 5_000;
export const SESSION_START_WINDOW_MS = 86_400_000;

/** An all-members op 8 at most once per guild per 30 s per application (Discord, 2025-08). */
export const MEMBER_REQUEST_COOLDOWN_MS = 30_000;
export const MEMBERS_PER_CHUNK = 1_000;
export const MAX_REQUESTED_USER_IDS = 100;
/** A query (prefix) request returns at most 100 members whatever its `limit`. */
export const MAX_QUERY_LIMIT = 100;
export const MAX_NONCE_BYTES = 32;

/** `large_threshold`: 50 to 250, default 50. */
export const LARGE_THRESHOLD = { min: 50, max: 250, default: 50 } as const;

/** A socket that has not beaten for 1.5 intervals (from HELLO or its last op 1) is a zombie. */
export const HEARTBEAT_TIMEOUT_FACTOR = 1.5;

/** Intents that need the application's switch in the Developer Portal; without it IDENTIFY closes 4014. */
export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** Every bit Discord defines; any other bit in IDENTIFY's `intents` closes 4013. */
export const KNOWN_INTENTS = Object.values(GatewayIntentBits)
  .filter((value): value is number => typeof value === "number")
  .reduce((all, bit) => all | bit, 0);

/** Opcodes a client may send. Presence and voice updates are accepted and ignored; others close 4001. */
export const CLIENT_OPCODES: ReadonlySet<number> = new Set([
  GatewayOpcodes.Heartbeat,
  GatewayOpcodes.Identify,
  GatewayOpcodes.PresenceUpdate,
  GatewayOpcodes.VoiceStateUpdate,
  GatewayOpcodes.Resume,
  GatewayOpcodes.RequestGuildMembers,
]);

const snowflake = z.string().regex(/^\d{1,20}$/);

export const envelopeSchema = z.object({
  op: z.number().int(),
  d: z.unknown(),
});

export const heartbeatDataSchema = z.number().int().nonnegative().nullable();

export const identifyDataSchema = z.object({
  token: z.string(),
  properties: z.record(z.string(), z.unknown()),
  intents: z.number().int().nonnegative(),
  compress: z.boolean().optional(),
  large_threshold: z.number().int().optional(),
  shard: z.tuple([z.number().int(), z.number().int()]).optional(),
  presence: z.unknown().optional(),
});
export type IdentifyData = z.infer<typeof identifyDataSchema>;

export const resumeDataSchema = z.object({
  token: z.string(),
  session_id: z.string(),
  seq: z.number().int().nonnegative().nullable(),
});
export type ResumeData = z.infer<typeof resumeDataSchema>;

export const requestGuildMembersSchema = z.union([
  z.object({
    guild_id: snowflake,
    user_ids: z.union([snowflake, z.array(snowflake).max(MAX_REQUESTED_USER_IDS)]),
    presences: z.boolean().optional(),
    nonce: z.string().optional(),
  }),
  z.object({
    guild_id: snowflake,
    query: z.string(),
    limit: z.number().int().nonnegative(),
    presences: z.boolean().optional(),
    nonce: z.string().optional(),
  }),
]);
export type RequestGuildMembers = z.infer<typeof requestGuildMembersSchema>;

/** Discord ignores a nonce over 32 bytes: the chunks then carry none. */
export function acceptedNonce(nonce: string | undefined): string | undefined {
  return nonce !== undefined && Buffer.byteLength(nonce) <= MAX_NONCE_BYTES ? nonce : undefined;
}

export function hasIntent(intents: number, bit: GatewayIntentBits): boolean {
  return (intents & bit) === bit;
}
