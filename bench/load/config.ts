/**
 * The load test's numbers, in one place. `full` is the scenario the
 * README reports; `quick` only proves the bench runs end to end (the test suite
 * runs it).
 */
export type LoadProfile = {
  name: "full" | "quick";
  users: number;
  durationMs: number;
  /** Users arrive (first page load) spread over this long. */
  rampUpMs: number;
  /** A tab regains focus (GET /api/roles) every uniform(min, max). */
  focusMinMs: number;
  focusMaxMs: number;
  /** A full page reload (GET /) every uniform(min, max). */
  reloadMinMs: number;
  reloadMaxMs: number;
  /** Teams the users create at most (managers among the users). */
  teamsMax: number;
  /** A tab looks at the free-agent pool page when its copy is this old (see poolBrowsing). */
  poolEveryMs: number;
  /** After the run, the transactions channel gets this long to catch up with the outbox (it posts about one message a second). */
  drainWaitMs: number;
  /** The whole run is stopped (exit 1) past this. */
  watchdogMs: number;
};

export const profiles: Record<LoadProfile["name"], LoadProfile> = {
  full: {
    name: "full",
    users: 500,
    durationMs: 120_000,
    rampUpMs: 15_000,
    focusMinMs: 3_000,
    focusMaxMs: 10_000,
    reloadMinMs: 30_000,
    reloadMaxMs: 90_000,
    teamsMax: 12,
    poolEveryMs: 20_000,
    drainWaitMs: 120_000,
    watchdogMs: 20 * 60_000,
  },
  quick: {
    name: "quick",
    users: 30,
    durationMs: 40_000,
    rampUpMs: 3_000,
    focusMinMs: 3_000,
    focusMaxMs: 10_000,
    reloadMinMs: 8_000,
    reloadMaxMs: 15_000,
    teamsMax: 3,
    poolEveryMs: 6_000,
    drainWaitMs: 60_000,
    watchdogMs: 9 * 60_000,
  },
};

/** Gateway workers beside the app (`npm run gateway`): a leader and a standby; the one holding the outbox's lease posts the transactions channel. */
export const gatewayWorkerCount = 2;

/** The app instances behind the (simulated) load balancer, sharing one Redis and one emulator. */
export const instanceCount = 2;

/** The app's roster cap (TEAM_ROSTER_MAX, default). */
export const rosterMax = 23;

/** A request without an answer after this long counts as unanswered. */
export const requestTimeoutMs = 30_000;

/**
 * Our API's per-user limits (lib/api/ratelimit-policies.ts), kept with a
 * margin: a user never sends more than this in any 60 s.
 */
export const perUserPerMinute = { roles: 50, actions: 24 } as const;

/**
 * The bot's Discord budget that team actions spend, as the emulator's
 * defaults set it (Discord's documented limits): 5 member reads per 5 s and
 * 10 role changes per 10 s for the whole guild. Each action reads its
 * actor's roles fresh, so the whole app can do about one action a second;
 * the users' actions are admitted at `shareOfBudget` of that, with a small
 * burst, as a real community's rare clicks would arrive. Above it the app
 * answers 503 "Discord is busy, try again in N s" by design.
 */
export const discordBudget = {
  memberReadsPerSecond: 1,
  memberReadsBurst: 3,
  roleChangesPerSecond: 1,
  roleChangesBurst: 5,
  roleCreatesPerSecond: 1,
  roleCreatesBurst: 2,
  shareOfBudget: 0.75,
} as const;

/** Share of actions sent twice at once, one copy to each instance (a double click behind a load balancer). */
export const doubleSubmitShare = 0.15;

/**
 * Offers, withdrawing and declining them, and the pool switch cost no
 * Discord call: they are chosen in a lane of their own at this pace, so the
 * bot's budget does not hold them back and they do not hold back the
 * actions it does.
 */
export const freeActionPace = { perSecond: 1, burst: 3 } as const;

/**
 * The free-agent pool page: a tab looks at it when its copy is the profile's
 * `poolEveryMs` old; managers always (they look for players to offer a
 * place), a free agent with `freeAgentShare` odds each time. `filteredShare`
 * of the reads filter (platform, position, country and platform) or search a
 * gamer tag, in equal parts; the others read the first page as it comes.
 */
export const poolBrowsing = { freeAgentShare: 0.4, filteredShare: 0.45 } as const;

/** Share of acceptances sent with a second one at once, for another team's offer to the same player, one to each instance. */
export const acceptRaceShare = 0.5;
