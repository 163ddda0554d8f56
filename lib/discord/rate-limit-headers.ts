/**
 * Discord's rate-limit headers, read defensively: a missing or malformed
 * header is `null` ("unknown"), never "unlimited".
 */
export type RateLimitHeaders = {
  limit: number | null;
  remaining: number | null;
  /** Milliseconds until the bucket resets, from `X-RateLimit-Reset-After` (no clock skew). */
  resetAfterMs: number | null;
  bucket: string | null;
  /** Only on 429: milliseconds from `Retry-After`. */
  retryAfterMs: number | null;
  scope: "user" | "global" | "shared" | null;
  global: boolean;
};

function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === "") return null;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

export function parseRateLimitHeaders(headers: Headers): RateLimitHeaders {
  const resetAfter = numberHeader(headers, "x-ratelimit-reset-after");
  const retryAfter = numberHeader(headers, "retry-after");
  const scope = headers.get("x-ratelimit-scope");
  return {
    limit: numberHeader(headers, "x-ratelimit-limit"),
    remaining: numberHeader(headers, "x-ratelimit-remaining"),
    resetAfterMs: resetAfter === null ? null : Math.ceil(resetAfter * 1_000),
    bucket: headers.get("x-ratelimit-bucket"),
    retryAfterMs: retryAfter === null ? null : Math.ceil(retryAfter * 1_000),
    scope: scope === "user" || scope === "global" || scope === "shared" ? scope : null,
    global: headers.get("x-ratelimit-global")?.toLowerCase() === "true",
  };
}

/** True when a response carries none of Discord's rate-limit headers (a Cloudflare answer, or a proxy's). */
export function hasRateLimitHeaders(headers: Headers): boolean {
  return headers.has("x-ratelimit-limit") || headers.has("x-ratelimit-bucket") || headers.has("x-ratelimit-global");
}
