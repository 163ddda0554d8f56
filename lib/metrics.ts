import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { MirrorStatus } from "@/lib/gateway/status";

/**
 * How this process reads the Gateway mirror's status at scrape time (the
 * worker runs in its own process and serves no metrics). Null: the status
 * could not be read.
 */
export type MirrorStatusSource = () => Promise<MirrorStatus | null>;

/** Redis replication as the app's connection sees it (INFO replication), against the WAIT policy. */
export type ReplicationSample = { connectedReplicas: number; wantedReplicas: number };

/**
 * The transactions outbox at scrape time: what waits to be posted, and the
 * drainer's counts, which the Gateway workers keep in Redis (they serve no
 * metrics of their own). `oldestAgeMs` null: the outbox is empty.
 */
export type OutboxSample = { backlog: number; oldestAgeMs: number | null; posted: number; failed: Record<string, number> };

export type ScrapeSource<T> = () => Promise<T | null>;

/**
 * Reads one thing (the mirror's status, INFO replication, the outbox) for
 * the gauges that show it: the first gauge to collect starts one read and
 * the others in the same scrape share it, so a scrape costs one Redis call
 * per thing. Without a source (any process but the app) the read is null:
 * the gauges report their numbers as unknown (NaN).
 */
function createScrapeReader<T>() {
  let source: ScrapeSource<T> | null = null;
  let reading: Promise<T | null> | null = null;
  return {
    use(next: ScrapeSource<T>): void {
      source = next;
    },
    read(): Promise<T | null> {
      if (source === null) return Promise.resolve(null);
      reading ??= source()
        .catch(() => null)
        .finally(() => {
          reading = null;
        });
      return reading;
    },
  };
}

const secondsOf = (ms: number | null): number => (ms === null ? Number.NaN : ms / 1_000);

/**
 * One Prometheus registry per process, kept on globalThis so Next.js hot
 * reloads and duplicate module instances do not register a metric twice.
 */
type Metrics = ReturnType<typeof createMetrics>;

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const mirror = createScrapeReader<MirrorStatus>();
  const replication = createScrapeReader<ReplicationSample>();
  const outbox = createScrapeReader<OutboxSample>();
  /** A gauge set at each scrape from what `reader` reads. */
  function scrapeGauge<T>(reader: { read(): Promise<T | null> }, name: string, help: string, value: (sample: T | null, nowMs: number) => number): Gauge {
    return new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(value(await reader.read(), Date.now()));
      },
    });
  }
  const mirrorGauge = (name: string, help: string, value: (status: MirrorStatus | null, nowMs: number) => number): Gauge => scrapeGauge(mirror, name, help, value);
  return {
    registry,
    discordRequests: new Counter({
      name: "safa_discord_requests_total",
      help: "Requests sent to Discord, by route template and HTTP status.",
      labelNames: ["route", "status"] as const,
      registers: [registry],
    }),
    discordRateLimited: new Counter({
      name: "safa_discord_rate_limited_total",
      help: "429 answers received from Discord, by route template and scope.",
      labelNames: ["route", "scope"] as const,
      registers: [registry],
    }),
    discordInvalidRequests: new Counter({
      name: "safa_discord_invalid_requests_total",
      help: "Answers that count toward Discord's invalid-request limit (401, 403, non-shared 429).",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    discordRequestSeconds: new Histogram({
      name: "safa_discord_request_seconds",
      help: "Latency of Discord requests, including time spent waiting for a rate-limit slot.",
      labelNames: ["route"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    restFallbackActive: new Gauge({
      name: "safa_discord_rest_local_fallback",
      help: "1 while the REST client limits per process because Redis is unreachable.",
      registers: [registry],
    }),
    roleLookups: new Counter({
      name: "safa_role_lookups_total",
      help: "Role lookups answered, by how: fresh (from Discord), cached (fresh enough), stale (cache while Discord is paced or busy), miss (nothing to serve), collapsed (waited for another lookup).",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    eventStreamsOpen: new Gauge({
      name: "safa_event_streams_open",
      help: "Live-update streams (GET /api/events) this process holds open.",
      registers: [registry],
    }),
    eventStreamsRefused: new Counter({
      name: "safa_event_streams_refused_total",
      help: "Live-update streams refused at opening, by reason: user_cap (too many tabs of one user), process_cap.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    eventsSent: new Counter({
      name: "safa_events_sent_total",
      help: "Events pushed on live-update streams, by event name (roles, team, refetch, ready, session-ended).",
      labelNames: ["event"] as const,
      registers: [registry],
    }),
    eventReconnects: new Counter({
      name: "safa_event_reconnects_total",
      help: "Streams reopened with a Last-Event-ID, by outcome: replayed (missed notices sent from the log) or refetch (too old or unknown: the tab re-reads everything).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    eventNoticesFailed: new Counter({
      name: "safa_event_notices_failed_total",
      help: "Change notices that could not be published (Redis unreachable); open tabs see that change at their next focus instead.",
      registers: [registry],
    }),
    /** Where the mirror gauges read the status; the app sets it once (lib/admin/mirror-health.ts). */
    readMirrorStatusFrom: (source: MirrorStatusSource): void => mirror.use(source),
    mirrorLive: mirrorGauge(
      "safa_gateway_mirror_live",
      "1 while roles are answered from the Gateway mirror (a leader's heartbeat is recent and a member sync has finished), 0 while they are looked up with Discord's REST API.",
      (status) => (status?.live ? 1 : 0),
    ),
    mirrorLagSeconds: mirrorGauge(
      "safa_gateway_mirror_lag_seconds",
      "How far behind Discord the mirror may be: the age of the leader's last heartbeat on a ready Gateway connection (NaN: no heartbeat, or the status is unreadable).",
      (status) => secondsOf(status?.lagMs ?? null),
    ),
    mirrorLastEventAgeSeconds: mirrorGauge(
      "safa_gateway_mirror_last_event_age_seconds",
      "Seconds since the mirror applied its last Gateway event (NaN: none yet, or the status is unreadable). A quiet guild sends few events, so lag, not this, says whether the mirror is current.",
      (status, nowMs) => (status?.lastEventAt == null ? Number.NaN : Math.max(0, nowMs - status.lastEventAt) / 1_000),
    ),
    mirrorLastEventSequence: mirrorGauge(
      "safa_gateway_mirror_last_event_sequence",
      "The Gateway sequence number (s) of the last event the mirror applied; it climbs with every event and starts again with each new session (NaN: none yet).",
      (status) => status?.lastEventSeq ?? Number.NaN,
    ),
    mirrorMembers: mirrorGauge(
      "safa_gateway_mirror_members",
      "Members the mirror holds (NaN: the status is unreadable).",
      (status) => status?.membersMirrored ?? Number.NaN,
    ),
    mirrorResyncRunning: mirrorGauge(
      "safa_gateway_mirror_resync_running",
      "1 while a full member sync (op 8) is running; the mirror is not live meanwhile.",
      (status) => (status?.resyncRunning ? 1 : 0),
    ),
    mirrorResyncs: new Counter({
      name: "safa_gateway_mirror_resyncs_total",
      help: "Full member syncs started by the Gateway leaders, as counted in Redis (the same for every app process).",
      registers: [registry],
      async collect() {
        const status = await mirror.read();
        // An unreadable status keeps the last count: dropping to 0 would read as a counter reset.
        if (status === null) return;
        this.reset();
        this.inc(status.resyncCount);
      },
    }),
    /** Where the Redis replication gauges read INFO replication; the app sets it once (lib/admin/redis-health.ts). */
    readReplicationFrom: (source: ScrapeSource<ReplicationSample>): void => replication.use(source),
    redisConnectedReplicas: scrapeGauge(
      replication,
      "safa_redis_connected_replicas",
      "Replicas in sync with the Redis primary the app writes to (INFO replication, state online); below safa_redis_wait_replicas_wanted every action is refused or answered outcome_unsure (NaN: Redis did not answer).",
      (sample) => sample?.connectedReplicas ?? Number.NaN,
    ),
    redisWaitReplicasWanted: scrapeGauge(
      replication,
      "safa_redis_wait_replicas_wanted",
      "Replicas that must confirm each change before an action answers success (REDIS_WAIT_REPLICAS; 0: none waited for).",
      (sample) => sample?.wantedReplicas ?? Number.NaN,
    ),
    redisWaitUnconfirmed: new Counter({
      name: "safa_redis_wait_unconfirmed_total",
      help: "WAITs on which too few replicas confirmed in time, by where: journal (refused before Discord, 503), commit (answered outcome_unsure), redis-only (a one-script action answered outcome_unsure).",
      labelNames: ["where"] as const,
      registers: [registry],
    }),
    redisPrimaryChanges: new Counter({
      name: "safa_redis_primary_changes_total",
      help: "Times this process's Redis connection came back on a different server (a new run_id): a Sentinel failover, or a restart that lost its identity.",
      registers: [registry],
    }),
    /** Where the outbox gauges read the stream and the drainer's counts; the app sets it once (lib/admin/outbox-health.ts). */
    readOutboxFrom: (source: ScrapeSource<OutboxSample>): void => outbox.use(source),
    outboxBacklog: scrapeGauge(
      outbox,
      "safa_outbox_backlog",
      "Roster changes written to the outbox and not yet posted in the transactions channel (NaN: Redis did not answer).",
      (sample) => sample?.backlog ?? Number.NaN,
    ),
    outboxOldestAgeSeconds: scrapeGauge(
      outbox,
      "safa_outbox_oldest_age_seconds",
      "Age of the oldest change not yet posted in the transactions channel: how far behind the channel is (0: nothing waits; NaN: Redis did not answer).",
      (sample) => (sample === null ? Number.NaN : sample.oldestAgeMs === null ? 0 : Math.max(0, sample.oldestAgeMs) / 1_000),
    ),
    outboxPosted: new Counter({
      name: "safa_outbox_posted_total",
      help: "Announcements the Gateway workers posted in the transactions channel, as counted in Redis (the same for every app process).",
      registers: [registry],
      async collect() {
        const sample = await outbox.read();
        // An unreadable count keeps the last one: dropping to 0 would read as a counter reset.
        if (sample === null) return;
        this.reset();
        this.inc(sample.posted);
      },
    }),
    outboxFailed: new Counter({
      name: "safa_outbox_failed_total",
      help: "Posts to the transactions channel that failed, by reason: refused (a 4xx no retry changes; the announcement is dropped), rate_limited (429 or Discord's edge; retried), server_error (5xx; retried), no_answer (timeout or network; retried). Counted in Redis by the Gateway workers.",
      labelNames: ["reason"] as const,
      registers: [registry],
      async collect() {
        const sample = await outbox.read();
        if (sample === null) return;
        this.reset();
        for (const [reason, count] of Object.entries(sample.failed)) this.inc({ reason }, count);
      },
    }),
  };
}

const globalForMetrics = globalThis as unknown as { safaMetrics?: Metrics };

export const metrics: Metrics = globalForMetrics.safaMetrics ?? createMetrics();
globalForMetrics.safaMetrics = metrics;
