/**
 * The Gateway worker's numbers, in one place. The lease is short so a
 * standby takes over within 5 s of the leader's death: lease 3 s, renewed
 * every second, and a standby tries every second.
 */
export const gatewayPolicy = {
  leaseMs: 3_000,
  renewEveryMs: 1_000,
  /** How often a standby tries to take the lease. */
  standbyPollMs: 1_000,
  /** The mirror is not live when the leader's heartbeat is older than this. */
  heartbeatStaleMs: 3_000,
  /** Mirrored members' cache entries live this long and are refreshed well before. */
  cacheTtlSeconds: 24 * 60 * 60,
  cacheRefreshEveryMs: 60 * 60 * 1_000,
  /** A members request that has not finished by then is sent again. */
  resyncTimeoutMs: 60_000,
  /** Members applied per Redis call, so one script never blocks Redis for long. */
  membersPerApply: 2_000,
  /** Pause before retrying a failed Redis write of the mirror or a failed connect. */
  retryPauseMs: 500,
  connectRetryMs: 5_000,
} as const;

export type GatewayPolicy = { [K in keyof typeof gatewayPolicy]: number };
