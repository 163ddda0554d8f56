import { describe, expect, it } from "vitest";
import {
  INVALID_REQUEST_WINDOW_MS,
  createGlobalLimiter,
  createInvalidRequestLimiter,
  createRouteLimiter,
  formatSeconds,
  rateLimitHeaders,
  retryAfterSeconds,
} from "@/emulator/rate-limiter";
import { bucketHash } from "@/emulator/route-catalog";

function fakeClock(startMs = 1_800_000_000_000) {
  const clock = { nowMs: startMs, now: () => clock.nowMs, advance: (ms: number) => (clock.nowMs += ms) };
  return clock;
}

describe("route limiter (fixed windows)", () => {
  const limits = new Map([["member", { count: 5, windowSeconds: 60 }]]);

  it("counts down from the limit and refuses the request after the last one, spending nothing", () => {
    const clock = fakeClock();
    const limiter = createRouteLimiter({ clock: clock.now, limits });
    const remaining = Array.from({ length: 5 }, () => limiter.take("member", "g1", "token-a").remaining);
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    clock.advance(1_500);
    const refused = limiter.take("member", "g1", "token-a");
    expect(refused).toMatchObject({ allowed: false, limit: 5, remaining: 0, resetAfterMs: 58_500, bucketHash: bucketHash("member") });
    expect(refused.resetAtMs).toBe(clock.nowMs + 58_500);
  });

  it("opens a new window at the first request after the old one closed", () => {
    const clock = fakeClock();
    const limiter = createRouteLimiter({ clock: clock.now, limits });
    for (let i = 0; i < 5; i += 1) limiter.take("member", "g1", "token-a");
    clock.advance(60_000);
    const fresh = limiter.take("member", "g1", "token-a");
    expect(fresh).toMatchObject({ allowed: true, remaining: 4, resetAfterMs: 60_000 });
  });

  it("keeps one bucket per principal and per major parameter", () => {
    const limiter = createRouteLimiter({ clock: fakeClock().now, limits });
    for (let i = 0; i < 5; i += 1) limiter.take("member", "g1", "token-a");
    expect(limiter.take("member", "g1", "token-a").allowed).toBe(false);
    expect(limiter.take("member", "g1", "token-b").remaining).toBe(4);
    expect(limiter.take("member", "g2", "token-a").remaining).toBe(4);
  });

  it("rejects a bucket group it has no limit for", () => {
    const limiter = createRouteLimiter({ clock: fakeClock().now, limits });
    expect(() => limiter.take("nope", null, "x")).toThrow(/no rate limit/);
  });
});

describe("rate-limit headers", () => {
  it("writes Reset as epoch seconds with decimals and Reset-After with at most 3 decimals", () => {
    const headers = rateLimitHeaders({ allowed: true, limit: 10, remaining: 7, resetAtMs: 1_800_000_012_345, resetAfterMs: 9_876.4, bucketHash: "abc" });
    expect(headers).toEqual({
      "X-RateLimit-Limit": "10",
      "X-RateLimit-Remaining": "7",
      "X-RateLimit-Reset": "1800000012.345",
      "X-RateLimit-Reset-After": "9.876",
      "X-RateLimit-Bucket": "abc",
    });
  });

  it("formats seconds like Discord and rounds Retry-After up to at least 1", () => {
    expect(formatSeconds(60_000)).toBe("60");
    expect(formatSeconds(500)).toBe("0.5");
    expect(retryAfterSeconds(58_001)).toBe(59);
    expect(retryAfterSeconds(3)).toBe(1);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});

describe("global limiter", () => {
  it("allows perSecond requests per key in a 1 s fixed window", () => {
    const clock = fakeClock();
    const limiter = createGlobalLimiter({ clock: clock.now, perSecond: 3 });
    expect([1, 2, 3].map(() => limiter.take("bot").allowed)).toEqual([true, true, true]);
    clock.advance(400);
    expect(limiter.take("bot")).toEqual({ allowed: false, retryAfterMs: 600 });
    expect(limiter.take("ip:127.0.0.1").allowed).toBe(true);
    clock.advance(600);
    expect(limiter.take("bot").allowed).toBe(true);
  });
});

describe("invalid-request limiter", () => {
  it("bans an IP once its count over the sliding 10 minutes exceeds the limit", () => {
    const clock = fakeClock();
    const limiter = createInvalidRequestLimiter({ clock: clock.now, limit: 3, banSeconds: 60 });
    for (let i = 0; i < 3; i += 1) limiter.record("1.2.3.4");
    expect(limiter.banRemainingMs("1.2.3.4")).toBe(0);
    limiter.record("1.2.3.4");
    expect(limiter.banRemainingMs("1.2.3.4")).toBe(60_000);
    expect(limiter.banRemainingMs("5.6.7.8")).toBe(0);
    expect(limiter.anyBanned()).toBe(true);
    clock.advance(60_000);
    expect(limiter.banRemainingMs("1.2.3.4")).toBe(0);
    expect(limiter.anyBanned()).toBe(false);
    expect(limiter.total()).toBe(4);
  });

  it("forgets invalid requests older than 10 minutes", () => {
    const clock = fakeClock();
    const limiter = createInvalidRequestLimiter({ clock: clock.now, limit: 3, banSeconds: 60 });
    for (let i = 0; i < 3; i += 1) limiter.record("1.2.3.4");
    clock.advance(INVALID_REQUEST_WINDOW_MS);
    limiter.record("1.2.3.4");
    expect(limiter.banRemainingMs("1.2.3.4")).toBe(0);
  });
});
