/**
 * Limits on our own API, per signed-in user or per client IP. They protect
 * Redis and the app from a misbehaving client; Discord's limits are handled
 * by the role service and the REST client.
 */
export const rateLimitPolicies = {
  /** The roles endpoint: a focus refetch is cheap, but a loop is not. */
  roles: { hits: 60, windowMs: 60_000 },
  /**
   * Opening the live-update stream: a tab reconnects every few seconds at
   * most (the stream's `retry:`), so this only stops a reconnect loop.
   */
  eventStreams: { hits: 30, windowMs: 60_000 },
  /** Mutations (profile, teams). */
  actions: { hits: 30, windowMs: 60_000 },
  /**
   * Team and profile actions refused to a user (403, 404, 409): someone
   * probing for teams or people they have no right to. Past this, their
   * actions answer 429 until the window ends.
   */
  refusals: { hits: 20, windowMs: 600_000 },
  /** Join requests filed by one user: asking and withdrawing in a loop would flood the audit log. */
  joinRequests: { hits: 20, windowMs: 3_600_000 },
  /** Requests without a session, per client address (signed-in users are limited per user instead). */
  anonymous: { hits: 120, windowMs: 60_000 },
  /** next-auth's routes (sign-in, callback, session, sign-out), per client address: a login takes about five. */
  auth: { hits: 60, windowMs: 60_000 },
} as const;

export type RateLimitPolicyName = keyof typeof rateLimitPolicies;
