/** The numbers of following Discord. */
export const followPolicy = {
  /** A member or role whose follow-up failed (Redis away, a team busy past the lock wait) is tried again after this. */
  retryPauseMs: 1_000,
} as const;
