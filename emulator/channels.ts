import { RESTJSONErrorCodes, type RESTErrorData } from "discord-api-types/v10";
import { z } from "zod";
import { requireBot } from "./auth";
import type { AllowedMentions, NewMessage } from "./channel-store";
import { defineRoute, type EmulatorContext, type RouteRequest, type RouteTable } from "./context";
import { fieldErrors, invalidFormBody, isSnowflake, parseObjectBody, withSnowflakes } from "./form-body";
import { discordError, jsonResponse, type EmulatorResponse } from "./http";
import { missingPermissions } from "./permissions";

/**
 * A channel's messages: `POST /channels/{id}/messages` (the bot posts) and
 * `GET /channels/{id}/messages` (a page, newest first). Checks in Discord's
 * order: the channel (10003), the bot's SEND_MESSAGES there (50013, toggled
 * by the control API), then the body (50035 naming each field, 50006 for an
 * empty message). `enforce_nonce` with a nonce the bot used in the last few
 * minutes answers that message again and creates none.
 */

const MAX_CONTENT_LENGTH = 2000;
const MAX_NONCE_LENGTH = 25;
const MAX_PAGE = 100;
const DEFAULT_PAGE = 50;

const unknownChannel = () => discordError(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel");
const emptyMessage = () => discordError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, "Cannot send an empty message");

const snowflakeList = z.array(z.string().regex(/^\d{1,20}$/)).max(100);

const allowedMentionsSchema = z.object({
  parse: z.array(z.enum(["roles", "users", "everyone"])).nullish(),
  users: snowflakeList.nullish(),
  roles: snowflakeList.nullish(),
  replied_user: z.boolean().nullish(),
});

/** Fields Discord accepts that the emulator does not model (embeds, components ...) are ignored, as Discord ignores unknown ones. */
const messageBodySchema = z.object({
  content: z.string().max(MAX_CONTENT_LENGTH).nullish(),
  nonce: z.unknown().optional(),
  enforce_nonce: z.boolean().nullish(),
  tts: z.boolean().nullish(),
  allowed_mentions: allowedMentionsSchema.nullish(),
});

function oneFieldError(field: string, code: string, message: string): EmulatorResponse {
  return invalidFormBody({ [field]: { _errors: [{ code, message }] } });
}

/** A nonce is a string of at most 25 characters or an integer; anything else is a form error. */
function parseNonce(value: unknown): { ok: true; nonce: string | number | null } | { ok: false; response: EmulatorResponse } {
  if (value === undefined || value === null) return { ok: true, nonce: null };
  if (typeof value === "string") {
    if (value.length <= MAX_NONCE_LENGTH) return { ok: true, nonce: value };
    return { ok: false, response: oneFieldError("nonce", "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_NONCE_LENGTH} or fewer in length.`) };
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return { ok: true, nonce: value };
  return { ok: false, response: oneFieldError("nonce", "NONCE_TYPE_INVALID", "Must be a string of 25 or fewer characters or an integer.") };
}

function parseMessageBody(body: string): { ok: true; value: NewMessage } | { ok: false; response: EmulatorResponse } {
  const json = parseObjectBody(body);
  if (!json.ok) return json;
  const parsed = messageBodySchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, response: fieldErrors(parsed.error, json.value) };
  const nonce = parseNonce(parsed.data.nonce);
  if (!nonce.ok) return nonce;
  const mentions = parsed.data.allowed_mentions;
  if (mentions?.parse?.includes("users") && mentions.users) {
    const message = 'parse:["users"] and users: [ids...] are mutually exclusive.';
    return { ok: false, response: oneFieldError("allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", message) };
  }
  const content = parsed.data.content ?? "";
  if (content.trim() === "") return { ok: false, response: emptyMessage() };
  const allowedMentions: AllowedMentions | null = mentions ? { parse: mentions.parse ?? [], users: mentions.users ?? [], roles: mentions.roles ?? [] } : null;
  return { ok: true, value: { content, nonce: nonce.nonce, enforceNonce: parsed.data.enforce_nonce === true, allowedMentions } };
}

function createMessage(context: EmulatorContext, request: RouteRequest): EmulatorResponse {
  const channelId = request.params.channel_id ?? "";
  const canSend = context.channels.canSend(channelId);
  if (canSend === undefined) return unknownChannel();
  if (!canSend) return missingPermissions();
  const parsed = parseMessageBody(request.body);
  if (!parsed.ok) return parsed.response;
  const posted = context.channels.post(channelId, parsed.value);
  return posted ? jsonResponse(200, posted.message) : unknownChannel();
}

type PageQuery = { limit: number; before?: string; after?: string };

/** `limit` 1..100 (default 50) and at most one of `before` and `after`, each a snowflake. */
function parsePageQuery(url: URL): { ok: true; value: PageQuery } | { ok: false; response: EmulatorResponse } {
  const errors: Record<string, RESTErrorData> = {};
  const rawLimit = url.searchParams.get("limit");
  const limit = rawLimit === null ? DEFAULT_PAGE : Number(rawLimit);
  if (rawLimit !== null && (rawLimit.trim() === "" || !Number.isInteger(limit))) {
    errors.limit = { _errors: [{ code: "NUMBER_TYPE_COERCE", message: `Value "${rawLimit}" is not int.` }] };
  } else if (limit < 1) {
    errors.limit = { _errors: [{ code: "NUMBER_TYPE_MIN", message: "int value should be greater than or equal to 1." }] };
  } else if (limit > MAX_PAGE) {
    errors.limit = { _errors: [{ code: "NUMBER_TYPE_MAX", message: `int value should be less than or equal to ${MAX_PAGE}.` }] };
  }
  const query: PageQuery = { limit };
  for (const name of ["before", "after"] as const) {
    const value = url.searchParams.get(name);
    if (value === null) continue;
    if (isSnowflake(value)) query[name] = value;
    else errors[name] = { _errors: [{ code: "NUMBER_TYPE_COERCE", message: `Value "${value}" is not snowflake.` }] };
  }
  if (query.before !== undefined && query.after !== undefined) {
    return { ok: false, response: invalidFormBody({ _errors: [{ code: "MESSAGE_QUERY_EXCLUSIVE", message: "Only one of before and after may be given." }] }) };
  }
  return Object.keys(errors).length > 0 ? { ok: false, response: invalidFormBody(errors) } : { ok: true, value: query };
}

function listMessages(context: EmulatorContext, request: RouteRequest): EmulatorResponse {
  const channelId = request.params.channel_id ?? "";
  if (!context.channels.has(channelId)) return unknownChannel();
  const query = parsePageQuery(request.url);
  if (!query.ok) return query.response;
  return jsonResponse(200, context.channels.list(channelId, query.value) ?? []);
}

export function createChannelRoutes(context: EmulatorContext): Pick<RouteTable, "POST /channels/:channel_id/messages" | "GET /channels/:channel_id/messages"> {
  const credentials = { botToken: context.config.botToken, tokens: context.tokens };
  const bot = (request: RouteRequest) => requireBot(request.headers.authorization, credentials);
  return {
    "POST /channels/:channel_id/messages": defineRoute(
      bot,
      withSnowflakes((request) => createMessage(context, request)),
    ),
    "GET /channels/:channel_id/messages": defineRoute(
      bot,
      withSnowflakes((request) => listMessages(context, request)),
    ),
  };
}
