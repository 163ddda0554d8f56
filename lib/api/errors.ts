import "server-only";
import { SessionExpiredError } from "@/lib/auth/errors";
import { endedSessionCookies } from "@/lib/auth/session";
import { moduleLogger } from "@/lib/log";
import { isRedisUnavailable } from "@/lib/redis/connection";

const log = moduleLogger("api");

/**
 * Every error code the API answers, with its HTTP status: the one place a
 * status is chosen. A refusal has one code wherever it is found, in
 * TypeScript or by a Lua script (script words become codes in
 * lib/actions/refusals.ts).
 */
export const errorStatus = {
  // The request itself.
  invalid_json: 400,
  invalid_input: 400,
  unreadable_body: 400,
  body_timeout: 408,
  too_large: 413,
  method_not_allowed: 405,
  not_found: 404,
  // Who asks.
  unauthenticated: 401,
  session_expired: 401,
  cross_origin: 403,
  forbidden: 403,
  profile_required: 403,
  /** The caller is not a member of the Discord server. */
  not_in_server: 403,
  // What is asked for, against what is stored.
  team_not_found: 404,
  no_request: 404,
  /** The offer is not open: never made, withdrawn, declined, or void since the player joined a team. */
  no_offer: 404,
  offer_expired: 410,
  /** The player has not switched on "looking for a team". */
  not_looking: 409,
  too_many_offers: 409,
  /** The Discord server has no room left for another team role (Discord caps a server at 250 roles). */
  role_cap: 409,
  in_team: 409,
  full: 409,
  not_member: 409,
  is_manager: 409,
  /** The team's manager changed while the action ran. */
  manager_changed: 409,
  /** The player the action is about has left the Discord server. */
  player_left_server: 409,
  too_many_requests: 409,
  name_taken: 409,
  tag_taken: 409,
  gamer_tag_taken: 409,
  ea_fc_id_taken: 409,
  not_a_team_role: 409,
  unsafe_team_role: 409,
  role_not_allowed: 409,
  disbanded: 409,
  /** The transfer window is closed (lib/tournament/rules.ts). */
  window_closed: 409,
  /** A tournament admin locked this roster, or all rosters. */
  roster_locked: 423,
  /** The team has made every roster change the season allows. */
  change_limit_reached: 409,
  // Another action, or time, got in the way.
  busy: 409,
  /** The action outlived its lock's lease, so its change was undone. */
  lost_lock: 409,
  discord_rejected: 409,
  // Too fast.
  rate_limited: 429,
  too_many_changes: 429,
  too_many_join_requests: 429,
  too_many_refusals: 429,
  // Someone else's trouble: try again later.
  internal: 500,
  unavailable: 503,
  storage_unavailable: 503,
  /** The change was written, but no replica confirmed it in time: a failover now could lose it (lib/actions/replication.ts). */
  outcome_unsure: 503,
  discord_busy: 503,
  discord_unavailable: 503,
  discord_incomplete: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;

/** An error whose message is written for the user; its HTTP status comes from its code. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number; field?: string; fieldErrors?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = errorStatus[code];
  }
}

/** A wait in milliseconds as a `Retry-After` count: whole seconds, rounded up, at least one. */
export function retryAfterSecondsOf(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1_000));
}

function json(status: number, body: Record<string, unknown>, retryAfterSeconds?: number): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  return Response.json(body, { status, headers });
}

/** The one place errors become HTTP answers: a sentence for the user, never a stack trace. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    const { retryAfterSeconds, ...rest } = error.extra;
    return json(error.status, { error: error.code, message: error.message, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}), ...rest }, retryAfterSeconds);
  }
  if (error instanceof SessionExpiredError) {
    // The session has ended server-side: the browser forgets the cookie, and remembers why for the login page.
    const response = json(errorStatus.session_expired, { error: "session_expired", message: error.message });
    for (const cookie of endedSessionCookies(error.reason)) response.headers.append("Set-Cookie", cookie);
    return response;
  }
  if (isRedisUnavailable(error)) {
    log.warn({ err: (error as Error).message }, "redis unavailable during a request");
    return json(errorStatus.unavailable, { error: "unavailable", message: "The dashboard is temporarily unavailable. Please try again in a few seconds.", retryAfterSeconds: 5 }, 5);
  }
  log.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "unexpected error in a route handler");
  return json(errorStatus.internal, { error: "internal", message: "Something went wrong on our side. Please try again in a moment." });
}
