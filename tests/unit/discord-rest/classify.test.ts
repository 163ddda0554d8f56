import { describe, expect, it } from "vitest";
import { classifyAnswer } from "@/lib/discord/rest/classify";
import { parseRateLimitHeaders } from "@/lib/discord/rest/headers";
import { restPolicy } from "@/lib/discord/rest/policy";
import type { ResponseBody } from "@/lib/discord/rest/response-body";

const limited: ResponseBody = { json: true, value: { message: "You are being rate limited.", retry_after: 1.5, global: false } };

function classify(status: number, headers: Record<string, string>, body: ResponseBody = limited, auth: "bot" | "bearer" = "bot") {
  return classifyAnswer(status, parseRateLimitHeaders(new Headers(headers)), body, auth, restPolicy);
}

const bucketHeaders = {
  "X-RateLimit-Limit": "10",
  "X-RateLimit-Remaining": "0",
  "X-RateLimit-Reset-After": "1.5",
  "X-RateLimit-Bucket": "abcd1234",
};

describe("parseRateLimitHeaders", () => {
  it("reads Discord's headers in milliseconds", () => {
    const parsed = parseRateLimitHeaders(new Headers({ ...bucketHeaders, "Retry-After": "2", "X-RateLimit-Scope": "user" }));
    expect(parsed).toMatchObject({ present: true, limit: 10, remaining: 0, resetAfterMs: 1_500, bucket: "abcd1234", scope: "user", retryAfterMs: 2_000, global: false });
  });

  it("treats malformed values as unknown, not unlimited", () => {
    const parsed = parseRateLimitHeaders(new Headers({ "X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "-1", "X-RateLimit-Bucket": "a b" }));
    expect(parsed.present).toBe(true);
    expect(parsed.limit).toBeUndefined();
    expect(parsed.remaining).toBeUndefined();
    expect(parsed.bucket).toBeUndefined();
  });
});

describe("classifyAnswer", () => {
  it("passes a success through with the bucket's numbers", () => {
    const outcome = classify(200, { ...bucketHeaders, "X-RateLimit-Remaining": "9" }, { json: true, value: {} });
    expect(outcome).toMatchObject({ status: 200, bucketHash: "abcd1234", limit: 10, remaining: 9, resetAfterMs: 1_500, countsInvalid: false });
    expect(outcome.rateLimit).toBeUndefined();
  });

  it("applies a global 429 to the whole token", () => {
    const outcome = classify(429, { "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global", "Retry-After": "2" }, { json: true, value: { retry_after: 0.75, global: true } });
    expect(outcome.rateLimit).toEqual({ kind: "global", retryAfterMs: 750 });
    expect(outcome.countsInvalid).toBe(true);
  });

  it("exhausts the bucket on a user-scope 429", () => {
    const outcome = classify(429, { ...bucketHeaders, "X-RateLimit-Scope": "user" });
    expect(outcome.rateLimit).toEqual({ kind: "user", retryAfterMs: 1_500 });
    expect(outcome.countsInvalid).toBe(true);
  });

  it("does not count a shared 429 as invalid", () => {
    const outcome = classify(429, { ...bucketHeaders, "X-RateLimit-Remaining": "4", "X-RateLimit-Scope": "shared" });
    expect(outcome.rateLimit?.kind).toBe("shared");
    expect(outcome.countsInvalid).toBe(false);
  });

  it("marks a 429 with remaining > 0 as a hidden sub-limit", () => {
    const outcome = classify(429, { ...bucketHeaders, "X-RateLimit-Remaining": "3", "X-RateLimit-Scope": "user" });
    expect(outcome.rateLimit?.kind).toBe("sublimit");
  });

  it("recognises Cloudflare's ban: no rate-limit headers", () => {
    const outcome = classify(429, { "Retry-After": "3600" }, { json: false, text: "error code: 1015" });
    expect(outcome.rateLimit).toEqual({ kind: "cloudflare", retryAfterMs: 3_600_000 });
    expect(outcome.countsInvalid).toBe(true);
  });

  it("recognises Cloudflare's ban: a non-JSON body even with headers", () => {
    expect(classify(429, bucketHeaders, { json: false, text: "<html>" }).rateLimit?.kind).toBe("cloudflare");
  });

  it("counts 401 and 403 as invalid; only a bot 401 rejects the token", () => {
    expect(classify(403, {}, { json: true, value: { code: 50013 } })).toMatchObject({ countsInvalid: true, botTokenRejected: false });
    expect(classify(401, {}, { json: true, value: {} })).toMatchObject({ countsInvalid: true, botTokenRejected: true });
    expect(classify(401, {}, { json: true, value: {} }, "bearer")).toMatchObject({ countsInvalid: true, botTokenRejected: false });
  });
});
