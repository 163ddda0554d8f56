/**
 * The action engine's numbers, in one place: how long locks live, how long
 * an action waits for Discord and for another action, how much audit is
 * kept, and how fast actions may spend the bot's Discord budget.
 */
export const actionPolicy = {
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
  /**
   * Deadline of each Discord call made by an action: the user is waiting on
   * the page. One whole window of Discord's member-role bucket (10 per 10 s for
   * the guild) plus the client's margin: a call that finds the bucket just
   * spent (two or three quick actions in a row do that) waits for the next
   * window instead of failing the action half-way.
   */
  discordDeadlineMs: 12_000,
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
