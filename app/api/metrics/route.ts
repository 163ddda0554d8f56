import { otherMethods } from "@/lib/api/method-not-allowed";
import { metrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint. Labels carry route templates and statuses only: no IDs, no tokens. */
export async function GET(): Promise<Response> {
  return new Response(await metrics.registry.metrics(), { headers: { "Content-Type": metrics.registry.contentType } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
