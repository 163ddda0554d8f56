import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * One Prometheus registry per process, kept on globalThis so Next.js hot
 * reloads and duplicate module instances do not register a metric twice.
 */
type Metrics = ReturnType<typeof createMetrics>;

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
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
  };
}

const globalForMetrics = globalThis as unknown as { safaMetrics?: Metrics };

export const metrics: Metrics = globalForMetrics.safaMetrics ?? createMetrics();
globalForMetrics.safaMetrics = metrics;
