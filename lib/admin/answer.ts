/**
 * What the admin area shows beside the teams: the audit log and the health
 * panel. Types only: safe for client components.
 */

/** One line of the audit log as the admin area shows it. */
export type AuditRow = {
  at: string;
  actorName: string;
  action: string;
  teamName: string | null;
  targetName: string | null;
  detail: string | null;
};

/**
 * The Gateway mirror as the health panel shows it. Counts and ages are null
 * where unknown (no event yet, no heartbeat, or Redis did not answer).
 */
export type MirrorHealth = {
  /** False when Redis did not answer: the numbers below are unknown. */
  statusRead: boolean;
  live: boolean;
  /** Where roles come from now, as one sentence ("Live: roles come from Discord's Gateway, 0.4 s behind"). */
  sentence: string;
  /** Why the mirror is not live; empty while it is. */
  reasons: string[];
  /** The worker id of the current (or last) leader. */
  leaderId: string | null;
  membersMirrored: number | null;
  resyncCount: number | null;
  resyncRunning: boolean;
  lastEventAgeSeconds: number | null;
  lagSeconds: number | null;
};

/** The admin health panel: Redis, Discord's rate-limit state as the REST client sees it, the role cache, the Gateway mirror. */
export type AdminHealth = {
  redis: { reachable: boolean; latencyMs: number | null };
  discord:
    | { known: false; reason: string }
    | {
        known: true;
        /** Where the limiter keeps its state: shared in Redis, or per process while Redis is away. */
        source: "redis" | "local";
        breaker: { open: boolean; reason: string | null; retryAfterSeconds: number };
        global: { usedInWindow: number; limit: number };
        rateLimitedLast10Minutes: number;
        invalidLast10Minutes: number;
        invalidRefuseAt: number;
        bucketsNearLimit: { bucket: string; remaining: number; limit: number; resetInSeconds: number }[];
      };
  roleCache: { fresh: number; cached: number; stale: number; collapsed: number; miss: number; hitRatePercent: number | null };
  /** Actions whose Discord half is unsettled; the next action on their team or user settles them. */
  openJournals: number;
  mirror: MirrorHealth;
  /** The server's roles against Discord's cap (each team is one); `warn` when few are left. */
  guildRoles: { known: true; used: number; max: number; left: number; keptFree: number; warn: boolean } | { known: false };
};
