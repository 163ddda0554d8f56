/**
 * How the outbox is drained into the transactions channel. One place, named
 * with units; tests pass smaller numbers.
 */
export const transactionsPolicy = {
  /** Entries read (or claimed back) per round. */
  batchSize: 20,
  /** How often an idle drainer looks for new entries. */
  pollMs: 500,
  /** How long one drainer may hold the channel before renewing; a crashed one is replaced after this. */
  leaseMs: 15_000,
  /** First wait after a failed post (429, 5xx, no answer); doubles per failure in a row. */
  retryBaseMs: 1_000,
  /** Longest wait between two tries while Discord stays unavailable. */
  retryMaxMs: 60_000,
  /** Longest one post may queue behind the channel's rate limit before the round gives up and retries later. */
  postDeadlineMs: 10_000,
  /** The health panel says the channel is behind once the oldest change not yet posted is older than this. */
  behindAfterMs: 180_000,
};

export type TransactionsPolicy = typeof transactionsPolicy;
