import type { RateLimitHeaders } from "./headers";
import type { Outcome, RateLimitKind } from "./limiter-store";
import type { RestPolicy } from "./policy";
import { parseRateLimitBody, type ResponseBody } from "./response-body";

/**
 * Turns one HTTP answer into what the limiter must record. The 429 rules:
 * - no `X-RateLimit-*` header or a non-JSON body: Cloudflare, not Discord, answered (a ban);
 * - `X-RateLimit-Global` / `global: true`: the whole token waits;
 * - scope `shared`: only that resource waits, and it is not an invalid request;
 * - remaining > 0: a hidden sub-limit of this route;
 * - otherwise the bucket is exhausted.
 */
export function classifyAnswer(
  status: number,
  headers: RateLimitHeaders,
  body: ResponseBody,
  authKind: "bot" | "bearer" | "none",
  policy: RestPolicy,
): Outcome {
  const outcome: Outcome = {
    status,
    ...(headers.bucket === undefined ? {} : { bucketHash: headers.bucket }),
    ...(headers.limit === undefined ? {} : { limit: headers.limit }),
    ...(headers.remaining === undefined ? {} : { remaining: headers.remaining }),
    ...(headers.resetAfterMs === undefined ? {} : { resetAfterMs: headers.resetAfterMs }),
    countsInvalid: status === 401 || status === 403,
    botTokenRejected: status === 401 && authKind === "bot",
  };
  if (status !== 429) return outcome;
  if (!headers.present || !body.json) {
    return {
      status,
      countsInvalid: true,
      botTokenRejected: false,
      rateLimit: { kind: "cloudflare", retryAfterMs: headers.retryAfterMs ?? policy.cloudflareBanDefaultMs },
    };
  }
  const parsed = parseRateLimitBody(body);
  const retryAfterMs = parsed.retryAfterMs ?? headers.retryAfterMs ?? headers.resetAfterMs ?? 1_000;
  let kind: RateLimitKind;
  if (headers.global || parsed.global) kind = "global";
  else if (headers.scope === "shared") kind = "shared";
  else if ((headers.remaining ?? 0) > 0) kind = "sublimit";
  else kind = "user";
  return { ...outcome, countsInvalid: kind !== "shared", rateLimit: { kind, retryAfterMs } };
}
