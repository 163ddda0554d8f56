/**
 * Redis names of the live updates. The prefix lets tests isolate
 * themselves; the app uses `safa:events:`.
 */
export type EventKeys = ReturnType<typeof eventKeyspace>;

export function eventKeyspace(prefix = "safa:events:") {
  return {
    /** Stream: a user's notices (`kind`, and `teamId` for team notices); entry ids are the SSE event ids. */
    notices: (userId: string) => `${prefix}user:${userId}`,
    /** Sorted set: stream id -> lease end (epoch ms) of each open stream of a user, for the per-user cap. */
    openStreams: (userId: string) => `${prefix}open:${userId}`,
    /** Pub/sub channel: a user id, published after each notice, so every process wakes that user's streams. */
    wakeChannel: `${prefix}wake`,
  };
}
