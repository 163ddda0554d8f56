/**
 * The teams feature's own numbers. The roster cap comes from configuration
 * (`TEAM_ROSTER_MAX`); locks, deadlines, audit and admission are the action
 * engine's (`actionPolicy` in lib/actions/policy.ts).
 */
export const teamPolicy = {
  /** Pending join requests one user may have open at once, across all teams. */
  pendingRequestsPerUserMax: 5,
  /** The guild's role list (names for adopted teams) is reused for this long. */
  guildRolesCacheSeconds: 60,
} as const;
