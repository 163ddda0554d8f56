/**
 * The teams feature's numbers, in one place. The roster cap comes from
 * configuration (`TEAM_ROSTER_MAX`); everything else is a safety margin.
 */
export const teamPolicy = {
  /** Pending join requests one user may have open at once, across all teams. */
  pendingRequestsPerUserMax: 5,
  /**
   * Lease of a per-team or per-user action lock. Longer than an action's
   * Discord calls normally take; renewed while the action runs, so it only
   * matters when a process dies holding it.
   */
  lockLeaseMs: 30_000,
  /** The lease is renewed this often while an action runs. */
  lockRenewEveryMs: 10_000,
  /** How long an action waits for another one on the same team or user before answering "busy". */
  lockWaitMs: 12_000,
  lockPollMs: 50,
  /** Deadline of each Discord call made by an action: the user is waiting on the page. */
  discordDeadlineMs: 8_000,
  /** The guild's role list (names for adopted teams) is reused for this long. */
  guildRolesCacheSeconds: 60,
  /** Audit entries kept (the stream is trimmed approximately past this). */
  auditEntriesMax: 10_000,
  /** Audit entries the admin area shows. */
  auditEntriesShown: 100,
  admission: {
    /**
     * Discord gives the bot 10 role changes per 10 s for the whole guild (and
     * 5 member reads per 5 s); an action spends about one read and one to
     * three changes. The users' actions are admitted at 0.8 a second with a
     * burst of 8, leaving the rest for retries, undos and settling journals.
     */
    guildPerSecond: 0.8,
    guildBurst: 8,
    /** One user may spend at most a sixth of that: one action every 5 s, 5 in a row. */
    userPerSecond: 0.2,
    userBurst: 5,
  },
} as const;

export type AdmissionPolicy = { guildPerSecond: number; guildBurst: number; userPerSecond: number; userBurst: number };
