import "server-only";
import { SessionExpiredError } from "@/lib/auth/errors";
import { moduleLogger } from "@/lib/log";
import { isRedisUnavailable } from "@/lib/redis/connection";

const log = moduleLogger("api");

/** An error whose message is written for the user, with the HTTP status it maps to. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { retryAfterSeconds?: number; field?: string; fieldErrors?: Record<string, string> } = {},
  ) {
    super(message);
  }
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
    return json(401, { error: "session_expired", message: error.message });
  }
  if (isRedisUnavailable(error)) {
    log.warn({ err: (error as Error).message }, "redis unavailable during a request");
    return json(503, { error: "unavailable", message: "The dashboard is temporarily unavailable. Please try again in a few seconds.", retryAfterSeconds: 5 }, 5);
  }
  log.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, "unexpected error in a route handler");
  return json(500, { error: "internal", message: "Something went wrong on our side. Please try again in a moment." });
}
