import type { OutboxCounts } from "@/lib/transactions/metrics";
import type { OutboxHealth } from "./answer";
import { formatSeconds } from "./describe-mirror";

/** The outbox as read from Redis at one moment. */
export type OutboxRead = {
  backlog: number;
  /** The stream id of the oldest entry not yet posted (its first part is when it was written, in ms); null when empty. */
  oldestId: string | null;
  drainerId: string | null;
  counts: OutboxCounts;
};

/** "0.4 s", "42 s", "4 min", "3 h": how old something is, for a person. */
export function formatAge(ms: number): string {
  if (ms < 120_000) return formatSeconds(ms);
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** When the oldest entry was written, from its stream id (`<ms>-<seq>`); null for an id this code cannot read. */
export function writtenAtOf(streamId: string): number | null {
  const ms = Number(streamId.split("-")[0]);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

const offSentence = "Off: DISCORD_TRANSACTIONS_CHANNEL_ID is not set, so roster changes are not announced";

function behindWarning(ageMs: number, drainerId: string | null): string {
  const behind = `The transactions channel is behind: the oldest roster change not yet posted is ${formatAge(ageMs)} old, and the channel will show the changes since then late`;
  if (drainerId === null) return `${behind}. No Gateway worker is posting them: check that one runs, with DISCORD_TRANSACTIONS_CHANNEL_ID set.`;
  return `${behind}. Worker ${drainerId} is posting, but Discord is not taking the posts: see the failed posts below and that worker's log.`;
}

/**
 * The health panel's view of the outbox: how much waits and for how long,
 * who drains it, and the drainer's counts. `read` null: Redis did not answer.
 */
export function describeOutbox(read: OutboxRead | null, options: { enabled: boolean; nowMs: number; behindAfterMs: number }): OutboxHealth {
  const { enabled, nowMs, behindAfterMs } = options;
  if (read === null) {
    return {
      statusRead: false,
      enabled,
      sentence: enabled ? "Unknown: Redis did not answer" : offSentence,
      backlog: null,
      oldestAgeSeconds: null,
      drainerId: null,
      posted: null,
      failed: null,
      warning: null,
    };
  }
  const writtenAt = read.oldestId === null ? null : writtenAtOf(read.oldestId);
  const ageMs = writtenAt === null ? null : Math.max(0, nowMs - writtenAt);
  const waiting = read.backlog === 0 ? "Up to date: nothing waits to be posted" : `${read.backlog} ${read.backlog === 1 ? "change waits" : "changes wait"} to be posted${ageMs === null ? "" : `, the oldest for ${formatAge(ageMs)}`}`;
  return {
    statusRead: true,
    enabled,
    // Another instance may announce although this one does not: what waits is shown either way.
    sentence: !enabled && read.backlog === 0 ? offSentence : waiting,
    backlog: read.backlog,
    oldestAgeSeconds: ageMs === null ? null : ageMs / 1_000,
    drainerId: read.drainerId,
    posted: read.counts.posted,
    failed: read.counts.failed,
    warning: ageMs !== null && ageMs > behindAfterMs ? behindWarning(ageMs, read.drainerId) : null,
  };
}
