import { timingSafeEqual } from "node:crypto";
import { exposeMirrorMetrics } from "@/lib/admin/mirror-health";
import { exposeOutboxMetrics } from "@/lib/admin/outbox-health";
import { exposeRedisMetrics } from "@/lib/admin/redis-health";
import { errorResponse, ApiError } from "@/lib/api/errors";
import { serveMethods } from "@/lib/api/serve-methods";
import { getEnv } from "@/lib/env";
import { metrics } from "@/lib/metrics";

// The mirror, replication and outbox gauges read Redis at each scrape of this process.
exposeMirrorMetrics();
exposeRedisMetrics();
exposeOutboxMetrics();

/** Whether the request carries the configured scrape token (compared in constant time). */
function authorised(request: Request, token: string): boolean {
  const sent = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

/**
 * Prometheus scrape endpoint, for the scraper only: it names the Node
 * version, heap and Discord limit state, so it needs `METRICS_TOKEN` as a
 * bearer token, and does not exist (404) where no token is configured.
 * Labels carry route templates and statuses only: no IDs, no tokens.
 */
async function scrapeMetrics(request: Request): Promise<Response> {
  const token = getEnv().METRICS_TOKEN;
  if (token === undefined) return errorResponse(new ApiError("not_found", "There is nothing at this address."));
  if (!authorised(request, token)) {
    const response = errorResponse(new ApiError("unauthenticated", "Send the metrics scrape token as a bearer token."));
    response.headers.set("WWW-Authenticate", 'Bearer realm="metrics"');
    return response;
  }
  return new Response(await metrics.registry.metrics(), { headers: { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" } });
}

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({ GET: scrapeMetrics });
