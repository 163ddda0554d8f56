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

/** The admin health panel: Redis, Discord's rate-limit state as the REST client sees it, the role cache. */
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
};
