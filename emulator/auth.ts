import { unauthorized, type EmulatorResponse } from "./http";
import type { Grant, TokenStore } from "./tokens";

/** Who is calling a REST route: the bot, or a user through an OAuth2 access token. */
export type Caller = { kind: "bot" } | { kind: "bearer"; grant: Grant };

/**
 * `principal` names the caller for per-token rate-limit buckets; `caller` is what the handler needs.
 * A failed check carries the answer to send instead.
 */
export type AuthOutcome<C = Caller> = { ok: true; caller: C; principal: string } | { ok: false; response: EmulatorResponse };

export type Credentials = { botToken: string; tokens: TokenStore };

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

/**
 * Bot-only routes. A valid user token is refused exactly like a bad one, 401
 * `{"message": "401: Unauthorized", "code": 0}`, as Discord answers it (and,
 * like every 401, it counts toward the invalid-request ban).
 */
export function requireBot(authorization: string | undefined, credentials: Credentials): AuthOutcome<{ kind: "bot" }> {
  const caller = identify(authorization, credentials);
  if (caller?.kind !== "bot") return { ok: false, response: unauthorized() };
  return { ok: true, caller, principal: principalOf(caller) };
}

/** User-token routes: the token must carry `scope`; a missing scope or the bot token is a 401, as on Discord. */
export function requireBearer(authorization: string | undefined, credentials: Credentials, scope: string): AuthOutcome<{ kind: "bearer"; grant: Grant }> {
  const caller = identify(authorization, credentials);
  if (caller?.kind !== "bearer" || !caller.grant.scopes.includes(scope)) return { ok: false, response: unauthorized() };
  return { ok: true, caller, principal: principalOf(caller) };
}

/** `GET /users/@me` serves the bot too; a user token without `identify` gets a 401. */
export function requireBotOrBearer(authorization: string | undefined, credentials: Credentials, scope: string): AuthOutcome {
  const caller = identify(authorization, credentials);
  if (!caller || (caller.kind === "bearer" && !caller.grant.scopes.includes(scope))) return { ok: false, response: unauthorized() };
  return { ok: true, caller, principal: principalOf(caller) };
}

/**
 * The key the global limit counts under: the bot token, the user behind a
 * bearer token (Discord limits "per bot or user", so a user's second login or
 * refreshed token shares the user's 50 per second), else the caller's IP.
 */
export function globalLimitKey(authorization: string | undefined, ip: string, tokens: TokenStore): string {
  const match = /^(Bot|Bearer)\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  if (!match) return `ip:${ip}`;
  const [, scheme = "", token = ""] = match;
  if (scheme.toLowerCase() === "bot") return `bot:${token}`;
  const userId = tokens.subjectOf(token);
  return userId === undefined ? `bearer:${token}` : `user:${userId}`;
}
