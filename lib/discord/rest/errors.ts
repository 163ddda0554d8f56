/**
 * Typed failures of the REST client. Callers map these to HTTP answers once;
 * each carries what a caller needs to decide (retry later, give up, alert).
 */

/** Which limit made a call fail fast. */
export type RateLimitScope =
  | "global"
  | "bucket"
  | "shared"
  | "sublimit"
  | "pending"
  | "queue";

/** Discord answered with an error the caller must handle (4xx, or 5xx after the retries). */
export class DiscordAPIError extends Error {
  override readonly name = "DiscordAPIError";
  constructor(
    readonly status: number,
    /** Discord's JSON error code (e.g. 10004 Unknown Guild), 0 when the body had none. */
    readonly code: number,
    message: string,
    readonly method: string,
    /** The route template, never the raw URL (it may contain a webhook token). */
    readonly route: string,
    /** Field-level validation errors as Discord sent them. */
    readonly errors?: unknown,
  ) {
    super(message);
  }
}

/**
 * The call could not get a slot before its deadline. Thrown as soon as the
 * wait is known to exceed the deadline, so a web request never queues for
 * minutes; `retryAfterMs` tells the caller when trying again makes sense.
 */
export class RateLimitedError extends Error {
  override readonly name = "RateLimitedError";
  constructor(
    readonly retryAfterMs: number,
    readonly scope: RateLimitScope,
    readonly route: string,
  ) {
    super(`rate limited (${scope}) on ${route}; retry after ${Math.ceil(retryAfterMs)} ms`);
  }
}

/**
 * Cloudflare has banned our egress IP (a 429 without rate-limit headers or
 * with a non-JSON body). Every process fails fast until the ban should be over:
 * more requests would only extend it.
 */
export class CloudflareBanError extends Error {
  override readonly name = "CloudflareBanError";
  constructor(readonly retryAfterMs: number) {
    super(`Discord's edge has banned this IP; requests resume in ${Math.ceil(retryAfterMs / 1_000)} s`);
  }
}

/**
 * Too many 401/403/429 answers from this IP in the last 10 minutes. We stop
 * well before Discord's 10 000 to keep a margin against a Cloudflare ban.
 */
export class InvalidRequestBudgetError extends Error {
  override readonly name = "InvalidRequestBudgetError";
  constructor(
    readonly count: number,
    readonly refuseAt: number,
    readonly retryAfterMs: number,
  ) {
    super(`${count} invalid requests in 10 minutes (refusing at ${refuseAt}); retry after ${Math.ceil(retryAfterMs / 1_000)} s`);
  }
}

/** Discord rejected the bot token (401). Every further call would count as invalid, so the client stops. */
export class BotTokenInvalidError extends Error {
  override readonly name = "BotTokenInvalidError";
  constructor() {
    super("Discord rejected the bot token (401); the REST client has stopped. Replace DISCORD_BOT_TOKEN and restart.");
  }
}

/** A request needed the bot token, and this client was built without one. */
export class MissingBotTokenError extends Error {
  override readonly name = "MissingBotTokenError";
  constructor() {
    super("this Discord REST client has no bot token; pass a user's token in `auth`");
  }
}

/** No HTTP answer (connection refused, reset, timeout) after the retries allowed for this request. */
export class DiscordTransportError extends Error {
  override readonly name = "DiscordTransportError";
  constructor(
    readonly method: string,
    readonly route: string,
    /** False when the request may have reached Discord (so a POST was not retried). */
    readonly provablyNotSent: boolean,
    options?: { cause?: unknown },
  ) {
    super(`no answer from Discord for ${method} ${route}`, options);
  }
}

/** The client was closed; calls after `close()` are programming errors. */
export class RestClientClosedError extends Error {
  override readonly name = "RestClientClosedError";
  constructor() {
    super("the Discord REST client is closed");
  }
}
