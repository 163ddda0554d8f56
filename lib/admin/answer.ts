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

/** One replica as the primary lists it (INFO replication). */
export type ReplicaHealth = {
  /** `host:port` the replica announced. */
  address: string;
  /** Redis' word: `online` once in sync; `wait_bgsave`, `send_bulk` while it copies the data set. */
  state: string;
  /** Seconds since the replica last acknowledged what it holds (it does so every second); null when Redis did not say. */
  lagSeconds: number | null;
};

/**
 * Redis replication as the app sees it, against what actions need: every
 * change must reach `wait.replicas` replicas within `wait.timeoutMs`, or the
 * action is refused (503) or answered outcome_unsure.
 */
export type ReplicationHealth = {
  /** False when Redis did not answer INFO replication: role and replicas are unknown. */
  statusRead: boolean;
  /** The role of the server the app's connection writes to. */
  role: "primary" | "replica" | null;
  /** Replicas in sync (state online): the ones that can confirm a change. */
  connectedReplicas: number | null;
  replicas: ReplicaHealth[];
  /** Only when the app is connected to a replica: the primary it copies and whether the link is up. */
  primaryLink: { address: string; up: boolean } | null;
  /** Null: one server by REDIS_URL. */
  sentinel: { masterName: string; sentinels: string[] } | null;
  wait: { replicas: number; timeoutMs: number };
  /** Times this process's connection came back on a different server (a failover), since it started. */
  primaryChanges: number;
  lastPrimaryChangeAgeSeconds: number | null;
  /** Plain sentences, most pressing first; empty while all is well. */
  warnings: string[];
};

/** What the Gateway workers drain from the transactions outbox into Discord's transactions channel. */
export type OutboxHealth = {
  /** False when Redis did not answer: the numbers are null. */
  statusRead: boolean;
  /** Whether this app announces changes (DISCORD_TRANSACTIONS_CHANNEL_ID is set). */
  enabled: boolean;
  /** One sentence: off, up to date, or how much waits. */
  sentence: string;
  backlog: number | null;
  oldestAgeSeconds: number | null;
  /** The worker holding the drain lease now, if any. */
  drainerId: string | null;
  posted: number | null;
  failed: { refused: number; rate_limited: number; server_error: number; no_answer: number } | null;
  /** Set when the oldest change waits longer than a few minutes: what it means and what to check. */
  warning: string | null;
};

/** The admin health panel: Redis, Discord's rate-limit state as the REST client sees it, the role cache, the Gateway mirror, the transactions outbox. */
export type AdminHealth = {
  redis: { reachable: boolean; latencyMs: number | null };
  replication: ReplicationHealth;
  outbox: OutboxHealth;
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
