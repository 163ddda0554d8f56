/**
 * Every number the REST client depends on, named with its unit, in one place.
 * Discord's own limits are learned from headers; these are our defaults and
 * safety margins, chosen so the client stays well clear of a 429.
 */
export const restPolicy = {
  /** Discord's documented global limit per bot token. */
  globalPerSecond: 50,
  /**
   * Added to the 1 s global window. A request counts in the window from the
   * moment its answer arrived (Discord saw it before that), so network and
   * event-loop delays cannot squeeze two windows' worth into one second; the
   * margin only covers millisecond rounding.
   */
  globalWindowMarginMs: 10,
  /** Discord bans an IP after 10 000 invalid requests (401, 403, 429) in 10 minutes. */
  invalidRequestLimit: 10_000,
  invalidWindowMs: 600_000,
  /** Refuse new requests once this share of the invalid-request budget is spent. */
  invalidShare: 0.5,
  /** Warn every time this many more invalid requests have been counted. */
  invalidWarningEvery: 100,
  /** A web request must never queue for minutes: waits past this fail fast. */
  defaultDeadlineMs: 10_000,
  /** One HTTP attempt; a slower answer is treated as a network error. */
  requestTimeoutMs: 15_000,
  /**
   * How long a granted slot stays reserved without an answer. Longer than one
   * attempt, so a live request never loses its lease; short enough that a
   * crashed process frees a learning slot quickly.
   */
  leaseGraceMs: 5_000,
  /** Retries for 5xx answers and network errors (idempotent requests only). */
  maxServerRetries: 3,
  /** Retries after a 429 that did not end the call (the wait still fits the deadline). */
  maxRateLimitRetries: 3,
  backoffBaseMs: 250,
  backoffMaxMs: 4_000,
  /** Every Redis call is raced against this; a slower Redis counts as down. */
  redisTimeoutMs: 500,
  /** While on the local fallback, probe Redis this often. */
  redisProbeIntervalMs: 2_000,
  /**
   * The local fallback limiter's share of the global limit. Several processes
   * may fall back at once and cannot see each other, so each takes a quarter.
   */
  fallbackShare: 0.25,
  /** Longest a waiter sleeps before re-checking, in case a wake-up was lost. */
  maxPollMs: 250,
  /** Random extra sleep, so woken waiters across processes do not stampede. */
  wakeJitterMs: 5,
  /** A Cloudflare ban without Retry-After: users report about an hour. */
  cloudflareBanDefaultMs: 3_600_000,
  /** A 401 on the bot token stops every process sharing it for this long. */
  tokenInvalidHoldMs: 3_600_000,
  /** Window of the 429 and invalid-request counts shown by `inspect()`. */
  inspectWindowMs: 600_000,
  /** `inspect()` lists buckets with at most this share of their limit left. */
  nearLimitShare: 0.2,
  /** How long a learned route-to-bucket mapping is trusted. */
  routeMappingTtlMs: 86_400_000,
  /** Idle bucket state is dropped after this long. */
  bucketIdleTtlMs: 3_600_000,
  /**
   * After the Redis primary changed, the bot token's global window is held
   * this long (one window and its margin): the requests of the moment
   * before the switch may be missing from the promoted replica's copy.
   */
  primaryChangeGlobalHoldMs: 1_010,
} as const;

/** The policy with every number open to override (tests shrink the windows). */
export type RestPolicy = { [K in keyof typeof restPolicy]: number };
