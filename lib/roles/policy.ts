/**
 * The role service's numbers, in one place. Limits themselves are learned
 * from Discord's headers; these are only safety margins and lifetimes.
 */
export const rolePolicy = {
  /** The cached copy is the fallback while Discord is paced or busy: keep it a day. */
  cacheTtlSeconds: 24 * 60 * 60,
  /** "Not a member" is cached briefly: people join the server and come back. */
  notMemberTtlSeconds: 60,
  /** Lease of the one-lookup-per-user lock; longer than a Discord call may take. */
  inflightLeaseMs: 6_000,
  /** A Discord call past this is abandoned and answered from cache. */
  discordTimeoutMs: 4_000,
  /** How long a concurrent lookup waits for the one in flight before serving the cache. */
  collapseWaitMs: 5_000,
  collapsePollMs: 40,
  /** When the answer carried no rate-limit headers: assume a tight limit. */
  unknownPaceMs: 15_000,
  /** Margin after the reset when the bucket is spent, as in the SAFA design (reset + 1 s). */
  exhaustedMarginMs: 1_000,
  /** Margin after Discord's `Retry-After` on a 429. */
  rateLimitedMarginMs: 1_000,
  /** Pause after a 5xx, a timeout or a malformed answer, so an outage is not hammered. */
  errorBackoffMs: 5_000,
  /** While Redis is unreachable: how soon the browser should ask again. */
  storageRetryMs: 5_000,
  /**
   * How long the browser keeps a live answer before a focus reads it again.
   * Changes reach an open tab through the stream; this only bounds how long
   * a tab whose stream is down, or whose mirror stopped, shows it unchecked.
   */
  liveFreshMs: 10_000,
  /** Users whose last answer each process keeps in memory for a Redis outage. */
  memoryFallbackUsers: 10_000,
} as const;

/**
 * When the next call with this token may go out, from the headers of the
 * last answer. The budget left is spread evenly over what remains of the
 * window plus the safety margin, so a user who refocuses continuously is
 * served every (window + margin) / limit, and the call that spends the last
 * unit is followed by a lock of reset plus the margin: set before any 429.
 */
export function paceAfterSuccessMs(remaining: number | undefined, resetAfterMs: number | undefined): number {
  if (remaining === undefined || resetAfterMs === undefined) return rolePolicy.unknownPaceMs;
  return Math.ceil((resetAfterMs + rolePolicy.exhaustedMarginMs) / (Math.max(0, remaining) + 1));
}
