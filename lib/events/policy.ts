/**
 * Limits and timings of the live updates (`GET /api/events`), in one place.
 */
export const eventPolicy = {
  /** A comment line is sent after this much silence, jittered up to `heartbeatMaxMs`: proxies and browsers drop idle connections. */
  heartbeatMinMs: 15_000,
  heartbeatMaxMs: 25_000,
  /** How long the browser waits before reconnecting after a dropped stream (the SSE `retry:` field). */
  reconnectDelayMs: 3_000,
  /** Notices kept per user for replay after a reconnect; an older `Last-Event-ID` gets a `refetch` instead. */
  noticesPerUserMax: 200,
  /** A user's notice log is forgotten this long after its last notice. */
  noticeLogTtlSeconds: 86_400,
  /** Notices read from the log in one go; a batch is coalesced into one push per kind. */
  noticesPerReadMax: 500,
  /** Open streams per user, across every process: more tabs than this get a 429. */
  streamsPerUserMax: 5,
  /** Open streams one process serves at most: past it a 503 sends the browser back to focus refetches. */
  streamsPerProcessMax: 2_000,
  /**
   * A stream's claim on one of its user's slots lives this long unless
   * renewed (every heartbeat): a crashed process's slots free themselves.
   */
  slotLeaseMs: 90_000,
  /** How often a stream checks that its session still exists (logout elsewhere, refused grant). */
  sessionCheckMs: 30_000,
  /**
   * Bytes a stream may hold for a reader that does not read. Past it nothing
   * more is produced (the next read catches up from the log), and a reader
   * stuck this long is dropped.
   */
  bufferedBytesMax: 65_536,
  stuckReaderMaxMs: 60_000,
} as const;
