/**
 * The HA benchmark's numbers, in one place. `full` is the run the README
 * reports; `quick` proves the bench and judges only its functional checks
 * (the failover test runs the same stream in-process at its own size).
 */
export type HaProfile = {
  name: "full" | "quick";
  /** Manager and player pairs cycling the player through request, approval and leaving, with profile saves between. */
  pairs: number;
  /** Free agents switching "looking for a team" on and off: no Discord call, so they probe Redis every few seconds. */
  solos: number;
  /** The stream runs this long before the primary is killed... */
  beforeKillMs: number;
  /** ...and this long after. */
  afterKillMs: number;
  /** Sentinel's down-after-milliseconds. */
  downAfterMs: number;
  /** The WAIT on/off comparison: concurrent workers, and how long each measured round lasts. */
  throughput: { workers: number; roundMs: number; rounds: number };
  /** The whole run is stopped (exit 1) past this. */
  watchdogMs: number;
};

export const profiles: Record<HaProfile["name"], HaProfile> = {
  full: {
    name: "full",
    pairs: 4,
    solos: 4,
    beforeKillMs: 30_000,
    afterKillMs: 45_000,
    downAfterMs: 2_000,
    throughput: { workers: 8, roundMs: 15_000, rounds: 2 },
    watchdogMs: 20 * 60_000,
  },
  quick: {
    name: "quick",
    pairs: 2,
    solos: 3,
    beforeKillMs: 10_000,
    afterKillMs: 20_000,
    downAfterMs: 2_000,
    throughput: { workers: 4, roundMs: 4_000, rounds: 1 },
    watchdogMs: 12 * 60_000,
  },
};

/** The target for the time from the primary's death until actions succeed again. */
export const recoveryTargetMs = 10_000;

/**
 * How fast the stream spends the guild's Discord budget: the app admits
 * actions that call Discord at 0.8 a second for the whole guild
 * (lib/actions/policy.ts), so the pairs share a little less than that and
 * are seldom told "Discord is busy".
 */
export const pairActionsPerSecond = 0.6;

/**
 * A free agent switches the pool every this long: under the API's 30 actions
 * a minute per user (lib/api/ratelimit-policies.ts), with a margin.
 */
export const soloStepMs = 2_600;

/** A free agent's switch that failed is tried again after this long (it probes when Redis answers again). */
export const probeRetryMs = 1_000;

/** A client honours Retry-After, but waits no longer than this before trying again. */
export const longestRetryWaitMs = 5_000;

/** A request without an answer after this long counts as unanswered. */
export const requestTimeoutMs = 20_000;

/**
 * After the stream, how long locks may take to go: a lock whose release was
 * lost in the switch lives out its lease (actionPolicy.lockLeaseMs, 30 s).
 */
export const settleWaitMs = 40_000;

/** WAIT's bound in the app (REDIS_WAIT_TIMEOUT_MS's default). */
export const waitTimeoutMs = 500;
