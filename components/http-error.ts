/**
 * A non-2xx answer from our own API, read at the boundary. `retryAfterSeconds`
 * is set when the server said when to come back (a 429 `Retry-After`, or a
 * 503 `retryAfterSeconds`); asking earlier only adds load where it hurts.
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly status: number;
  /** The API's machine-readable `error` field, e.g. `session_expired`. */
  readonly code: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(message: string, status: number, options: { code?: string | null; retryAfterSeconds?: number | null } = {}) {
    super(message);
    this.status = status;
    this.code = options.code ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

/**
 * Seconds from a `Retry-After` header: either delta-seconds or an HTTP date.
 * Null when absent or unreadable, so the caller picks its own fallback.
 */
export function parseRetryAfterSeconds(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  // HTTP dates start with a day name; anything else (like "-5", which
  // Date.parse reads as a year) is not a Retry-After we understand.
  if (!/^[A-Za-z]{3}[, ]/.test(value)) return null;
  const dateMs = Date.parse(value);
  if (Number.isNaN(dateMs)) return null;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}
