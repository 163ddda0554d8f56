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
  /** Discord's cap on a server's roles, `@everyone` included (error 30005 past it). */
  guildRolesMax: 250,
  /** Roles a new team may not take: left for the server's own use (a moderator role, a bot joining). */
  guildRolesKeptFree: 5,
  /** The admin health panel warns when this few roles, or fewer, are left. */
  guildRolesWarnAtLeft: 20,
} as const;
