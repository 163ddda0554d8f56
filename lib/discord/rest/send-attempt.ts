import { classifyAnswer } from "./classify";
import { parseRateLimitHeaders, type RateLimitHeaders } from "./headers";
import type { Outcome } from "./limiter-store";
import type { RestPolicy } from "./policy";
import { readBody, type ResponseBody } from "./response-body";
import type { Transport } from "./types";

/** One HTTP answer from Discord, whatever its status, read and classified once. */
export type RestAnswer = {
  status: number;
  /** The `X-RateLimit-*` and `Retry-After` headers, parsed; a missing or malformed one is unknown. */
  headers: RateLimitHeaders;
  body: ResponseBody;
  /** What the limiter records of it: the bucket, a 429's scope and wait, whether it counts as invalid. */
  outcome: Outcome;
};

/**
 * Sends one attempt and reads its answer. The only place an HTTP request to
 * Discord is made, so every caller classifies answers with the same rules
 * (`classifyAnswer`). Throws what the transport throws (no answer, abort).
 */
export async function sendAttempt(input: {
  transport: Transport;
  url: string;
  init: RequestInit;
  authKind: "bot" | "bearer" | "none";
  policy: RestPolicy;
}): Promise<RestAnswer> {
  const response = await input.transport(input.url, input.init);
  const body = await readBody(response);
  const headers = parseRateLimitHeaders(response.headers);
  return { status: response.status, headers, body, outcome: classifyAnswer(response.status, headers, body, input.authKind, input.policy) };
}
