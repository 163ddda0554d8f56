/**
 * Every Redis key of the product's own records (profiles, teams, join
 * requests, action locks, journals, audit). The prefix lets tests isolate
 * themselves; the app uses `safa:`. A team's id is its Discord role's id.
 */
export type TeamKeys = ReturnType<typeof teamKeyspace>;

export function teamKeyspace(prefix = "safa:") {
  return {
    profile: (userId: string) => `${prefix}profile:${userId}`,
    /** Hash: id, name, tag, managerId, createdAt, createdBy, adopted. */
    team: (teamId: string) => `${prefix}team:${teamId}`,
    /** Sorted set: user id -> joined at (epoch ms). The manager is a member too. */
    members: (teamId: string) => `${prefix}team:${teamId}:members`,
    /** Sorted set: user id -> requested at (epoch ms). */
    requests: (teamId: string) => `${prefix}team:${teamId}:requests`,
    /** Sorted set: team id -> created at (epoch ms). */
    teamIndex: `${prefix}teams`,
    /** Hash: normalised team name -> team id; makes names unique regardless of case. */
    teamNames: `${prefix}team-names`,
    /** Hash: user id -> team id; a user is in at most one team. */
    userTeam: `${prefix}user-team`,
    /** Hash: user id -> JSON array of team ids with a pending request from that user. */
    userRequests: `${prefix}user-requests`,
    /** Hash: user id -> display name (Discord name at their last action). */
    userNames: `${prefix}user-names`,
    /** Set of role ids of disbanded teams: a stale role cache must never resurrect one. */
    disbandedRoles: `${prefix}disbanded-roles`,
    /** Hash: journal id -> JSON of an action whose Discord half is not settled yet. */
    journals: `${prefix}journals`,
    /** The guild's roles (id and name), cached briefly for adopting teams created on Discord. */
    guildRoles: `${prefix}guild-roles`,
    /** Stream of audit entries, append-only. */
    audit: `${prefix}audit`,
    /** Lease lock of one action subject (`team:<id>`, `user:<id>`, `team-name:<name>`). */
    lock: (subject: string) => `${prefix}lock:${subject}`,
  };
}
