import { z } from "zod";

/** What Discord's `X-RateLimit-*` headers say about the bucket, in milliseconds. */
export type RateLimitHeaders = {
  /** True when any `X-RateLimit-*` header was present; Cloudflare's 429s carry none. */
  present: boolean;
  limit?: number;
  remaining?: number;
  resetAfterMs?: number;
  bucket?: string;
  global: boolean;
  scope?: "user" | "global" | "shared";
  retryAfterMs?: number;
};

const count = z.coerce.number().int().nonnegative();
const seconds = z.coerce.number().nonnegative().finite();
const bucketHash = z.string().regex(/^[\w-]{1,128}$/);
const scope = z.enum(["user", "global", "shared"]);

/**
 * Headers are input from outside: each one is parsed on its own, and a
 * malformed or missing value is "unknown", never "unlimited".
 */
export function parseRateLimitHeaders(headers: Headers): RateLimitHeaders {
  let present = false;
  headers.forEach((_value, name) => {
    if (name.toLowerCase().startsWith("x-ratelimit-")) present = true;
  });
  const read = <T>(name: string, schema: z.ZodType<T>): T | undefined => {
    const raw = headers.get(name);
    if (raw === null) return undefined;
    const parsed = schema.safeParse(raw.trim());
    return parsed.success ? parsed.data : undefined;
  };
  const resetAfter = read("x-ratelimit-reset-after", seconds);
  const retryAfter = read("retry-after", seconds);
  return {
    present,
    limit: read("x-ratelimit-limit", count),
    remaining: read("x-ratelimit-remaining", count),
    resetAfterMs: resetAfter === undefined ? undefined : Math.ceil(resetAfter * 1_000),
    bucket: read("x-ratelimit-bucket", bucketHash),
    global: headers.get("x-ratelimit-global")?.toLowerCase() === "true",
    scope: read("x-ratelimit-scope", scope),
    retryAfterMs: retryAfter === undefined ? undefined : Math.ceil(retryAfter * 1_000),
  };
}
