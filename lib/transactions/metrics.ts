import { Counter } from "prom-client";
import { metrics } from "@/lib/metrics";

/**
 * The transactions channel's counters, in the process's one registry. Looked
 * up before being made, so a second drainer in one process (or a reloaded
 * module) reuses them.
 */
export function transactionsMetrics() {
  const { registry } = metrics;
  const settledName = "safa_transactions_settled_total";
  const retriesName = "safa_transactions_retries_total";
  const settled =
    (registry.getSingleMetric(settledName) as Counter<"outcome"> | undefined) ??
    new Counter({
      name: settledName,
      help: "Outbox entries settled, by outcome: posted (in the transactions channel), skipped (not an announced change), refused (a 4xx from Discord; dropped and logged).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    });
  const retries =
    (registry.getSingleMetric(retriesName) as Counter | undefined) ??
    new Counter({ name: retriesName, help: "Announcements not posted for now (429, 5xx, no answer) and left in the outbox for a later round.", registers: [registry] });
  return { settled, retries };
}
