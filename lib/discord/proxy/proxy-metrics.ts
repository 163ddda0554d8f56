import { Counter, Gauge, Histogram } from "prom-client";
import { metrics } from "../../metrics";

type InvalidCountSource = () => Promise<number>;

/**
 * The proxy's own series, on the process registry beside the REST client's
 * (`safa_discord_*`, including `safa_discord_rest_local_fallback`), so one
 * scrape of `/metrics` shows both. Created once per process.
 */
function createProxyMetrics() {
  let invalidSource: InvalidCountSource | null = null;
  return {
    useInvalidCount(source: InvalidCountSource) {
      invalidSource = source;
    },
    requests: new Counter({
      name: "safa_proxy_requests_total",
      help: "Requests answered by the proxy, by route template, status and rate-limit scope (none unless a 429)",
      labelNames: ["route", "status", "scope", "generated"] as const,
      registers: [metrics.registry],
    }),
    generated: new Counter({
      name: "safa_proxy_generated_total",
      help: "Answers the proxy wrote itself instead of Discord, by reason (rate-limit-<scope> is a proxy-generated 429)",
      labelNames: ["reason"] as const,
      registers: [metrics.registry],
    }),
    waitSeconds: new Histogram({
      name: "safa_proxy_wait_seconds",
      help: "Time a forwarded request waited for its slot before it was sent",
      labelNames: ["route"] as const,
      buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    }),
    invalidRequests: new Gauge({
      name: "safa_proxy_invalid_requests_in_window",
      help: "Invalid requests (401, 403, 429) of this egress IP in Discord's 10-minute window, as the shared state counts them",
      registers: [metrics.registry],
      async collect() {
        this.set(invalidSource === null ? Number.NaN : await invalidSource().catch(() => Number.NaN));
      },
    }),
  };
}

type ProxyMetrics = ReturnType<typeof createProxyMetrics>;
const holder = globalThis as typeof globalThis & { __safaProxyMetrics?: ProxyMetrics };

export function proxyMetrics(): ProxyMetrics {
  holder.__safaProxyMetrics ??= createProxyMetrics();
  return holder.__safaProxyMetrics;
}
