/**
 * The focus-storm bench's numbers, in one place. `full` is the scenario
 * the README reports; `quick` only proves the bench runs (the test suite uses it).
 */
export type FocusProfile = {
  name: "full" | "quick";
  storm: {
    users: number;
    /** Tabs of each device (each signed-in session). */
    tabsPerUser: number;
    /**
     * Share of the users also signed in on a second device (a second session
     * and access token): Discord keeps their member-lookup budget per user,
     * so both devices spend one.
     */
    secondDeviceShare: number;
    instances: number;
    durationMs: number;
    refetchMinMs: number;
    refetchMaxMs: number;
    /** A tab gives up on one refetch after this long and counts it as an error. */
    requestTimeoutMs: number;
  };
  floor: {
    /** Signed-in users whose cache-hit requests are spread round-robin (see floor.ts for why so many). */
    users: number;
    concurrency: number;
    warmupMs: number;
    rounds: number;
    roundMs: number;
  };
  /** The whole run is stopped (exit 1) past this. */
  watchdogMs: number;
};

export const profiles: Record<FocusProfile["name"], FocusProfile> = {
  full: {
    name: "full",
    storm: { users: 200, tabsPerUser: 3, secondDeviceShare: 0.5, instances: 2, durationMs: 180_000, refetchMinMs: 1_000, refetchMaxMs: 3_000, requestTimeoutMs: 10_000 },
    floor: { users: 1_200, concurrency: 16, warmupMs: 2_000, rounds: 8, roundMs: 1_500 },
    watchdogMs: 25 * 60_000,
  },
  quick: {
    name: "quick",
    storm: { users: 10, tabsPerUser: 2, secondDeviceShare: 0.5, instances: 2, durationMs: 15_000, refetchMinMs: 1_000, refetchMaxMs: 3_000, requestTimeoutMs: 10_000 },
    floor: { users: 150, concurrency: 8, warmupMs: 500, rounds: 2, roundMs: 1_000 },
    watchdogMs: 280_000,
  },
};

export const memberRoute = "GET /users/@me/guilds/:guild_id/member";

/** The targets "ours" is held to (the README's). */
export const targets = {
  rateLimited: 0,
  /** Oldest roles served, as a multiple of window / limit. */
  maxAgeWindowShare: 1.25,
  floorRatio: 0.7,
} as const;

/** The member-lookup limit as the emulator announces it in its headers. */
export type MemberLimit = { count: number; windowMs: number };

export function maxAgeTargetMs(limit: MemberLimit): number {
  return targets.maxAgeWindowShare * (limit.windowMs / limit.count);
}
