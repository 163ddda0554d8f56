import type { Logger } from "pino";
import { metrics } from "../../metrics";
import type { RestEventHub } from "./events";
import type { Outcome, SettleResult } from "./limiter-store";
import type { RestPolicy } from "./policy";
import type { ParsedRoute } from "./route";

/**
 * Metrics, events and logs for one answer. A 429 is logged as a warning (a
 * Cloudflare ban as an error) because each one spends the IP's
 * invalid-request budget; the budget warning repeats every
 * `invalidWarningEvery` and on every invalid answer past 80% of the threshold.
 */
export function createAnswerReporter(deps: { log: Logger; events: RestEventHub; policy: RestPolicy; refuseAt: number }) {
  const { log, events, policy, refuseAt } = deps;
  return (route: ParsedRoute, outcome: Outcome, settled: SettleResult, durationMs: number, attempt: number): void => {
    const { method, template } = route;
    metrics.discordRequests.inc({ route: template, status: String(outcome.status) });
    events.emit("response", { method, route: template, status: outcome.status, durationMs, attempt });
    log.debug({ method, route: template, status: outcome.status, durationMs, attempt }, "discord answered");
    const rateLimit = outcome.rateLimit;
    if (rateLimit) {
      metrics.discordRateLimited.inc({ route: template, scope: rateLimit.kind });
      events.emit("rateLimited", { method, route: template, kind: rateLimit.kind, retryAfterMs: rateLimit.retryAfterMs, bucket: settled.bucketId });
      const level = rateLimit.kind === "cloudflare" ? "error" : "warn";
      log[level]({ method, route: template, kind: rateLimit.kind, retryAfterMs: rateLimit.retryAfterMs, bucket: settled.bucketId }, "discord rate limited a request");
    }
    if (!outcome.countsInvalid) return;
    metrics.discordInvalidRequests.inc({ status: String(outcome.status) });
    const count = settled.invalidCount;
    if (count > 0 && (count % policy.invalidWarningEvery === 0 || count >= refuseAt * 0.8)) {
      events.emit("invalidRequestWarning", { count, refuseAt, windowMs: policy.invalidWindowMs });
      log.warn({ count, refuseAt }, "invalid Discord requests are piling up; the client refuses new requests at the threshold");
    }
  };
}
