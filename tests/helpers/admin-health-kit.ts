import { expect } from "vitest";
import type * as MetricsRoute from "@/app/api/metrics/route";
import type * as Overview from "@/lib/admin/overview";

/**
 * What an operator sees of the app's health: the admin overview and the
 * metrics scrape, loaded as the app builds them (after `configureApp`).
 */
export type AdminViews = { overview: typeof Overview; metricsRoute: typeof MetricsRoute };

export async function loadAdminViews(): Promise<AdminViews> {
  return { overview: await import("@/lib/admin/overview"), metricsRoute: await import("@/app/api/metrics/route") };
}

/** The scrape's samples whose name starts with `prefix`, keyed by name and labels. */
export async function scrapeMetrics(metricsRoute: typeof MetricsRoute, token: string, prefix: string): Promise<Map<string, string>> {
  const response = await metricsRoute.GET(new Request("http://dashboard.test/api/metrics", { headers: { authorization: `Bearer ${token}` } }));
  expect(response.status).toBe(200);
  const samples = new Map<string, string>();
  for (const line of (await response.text()).split("\n")) {
    const at = line.lastIndexOf(" ");
    if (line.startsWith(prefix) && at > 0) samples.set(line.slice(0, at), line.slice(at + 1));
  }
  return samples;
}
