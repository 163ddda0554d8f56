import { RESTJSONErrorCodes } from "discord-api-types/v10";
import { discordError, unauthorized, type EmulatorResponse } from "./http";
import type { Grant, TokenStore } from "./tokens";

/** Who is calling a REST route: the bot, or a user through an OAuth2 access token. */
export type Caller = { kind: "bot" } | { kind: "bearer"; grant: Grant };

/**
 * `principal` names the caller for per-token rate-limit buckets; `caller` is what the handler needs.
 * A failed check carries the answer to send instead.
 */
export type AuthOutcome<C = Caller> = { ok: true; caller: C; principal: string } | { ok: false; response: EmulatorResponse };

export type Credentials = { botToken: string; tokens: TokenStore };

const missingAccess = (): EmulatorResponse => discordError(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");

/** Parses `Bot <token>` or `Bearer <token>`; anything else, or a dead token, is no caller at all. */
function identify(authorization: string | undefined, credentials: Credentials): Caller | undefined {
  const match = /^(Bot|Bearer)\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  if (!match) return undefined;
  const [, scheme = "", token = ""] = match;
  if (scheme.toLowerCase() === "bot") return token === credentials.botToken ? { kind: "bot" } : undefined;
  const grant = credentials.tokens.authenticate(token);
  return grant ? { kind: "bearer", grant } : undefined;
}

/**
 * Discord documents per-route limits per bot or per user, "determined by the request's
 * authentication": every token of one user (a refreshed one, a second device) shares
 * the user's buckets.
 */
function principalOf(caller: Caller): string {
  return caller.kind === "bot" ? "bot" : `user:${caller.grant.userId}`;
}

/** Website pages (authorize, invite): anyone may load them; they have no bucket. */
export function anyone(): AuthOutcome<null> {
  return { ok: true, caller: null, principal: "anyone" };
}

/** Bot-only routes: a valid user token is forbidden (403), not unknown. */
export function requireBot(authorization: string | undefined, credentials: Credentials): AuthOutcome<{ kind: "bot" }> {
  const caller = identify(authorization, credentials);
  if (!caller) return { ok: false, response: unauthorized() };
  if (caller.kind !== "bot") return { ok: false, response: missingAccess() };
  return { ok: true, caller, principal: principalOf(caller) };
}

/** User-token routes: the token must carry `scope`; the bot token is forbidden. */
export function requireBearer(authorization: string | undefined, credentials: Credentials, scope: string): AuthOutcome<{ kind: "bearer"; grant: Grant }> {
  const caller = identify(authorization, credentials);
  if (!caller) return { ok: false, response: unauthorized() };
  if (caller.kind !== "bearer" || !caller.grant.scopes.includes(scope)) return { ok: false, response: missingAccess() };
  return { ok: true, caller, principal: principalOf(caller) };
}

/** `GET /users/@me` serves the bot too; a user token needs `identify`. */
export function requireBotOrBearer(authorization: string | undefined, credentials: Credentials, scope: string): AuthOutcome {
  const caller = identify(authorization, credentials);
  if (!caller) return { ok: false, response: unauthorized() };
  if (caller.kind === "bearer" && !caller.grant.scopes.includes(scope)) return { ok: false, response: missingAccess() };
  return { ok: true, caller, principal: principalOf(caller) };
}

/** The key the global limit counts under: the token when there is one, else the caller's IP. */
export function globalLimitKey(authorization: string | undefined, ip: string): string {
  const match = /^(Bot|Bearer)\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  return match ? `${match[1]?.toLowerCase()}:${match[2]}` : `ip:${ip}`;
}
