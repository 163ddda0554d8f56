import { ROUTE_KEYS, type RouteKey } from "./route-catalog";

export type RouteStats = { requests: number; rateLimited: number; byStatus: Record<string, number> };

export type StatsSnapshot = {
  requests: number;
  /** Every 429: route buckets, the global limit and bans. */
  rateLimited: number;
  /** 401, 403 and 429 answers counted toward the invalid-request ban, since the last reset. */
  invalid: number;
  banned: boolean;
  routes: Record<RouteKey, RouteStats>;
};

export type Stats = ReturnType<typeof createStats>;

/** Counters for benchmarks: how many calls reached "Discord" and how many it refused. */
export function createStats() {
  let requests = 0;
  let rateLimited = 0;
  let routes = emptyRoutes();

  return {
    /** `route` is null for paths that match no route (answered 404 or 405). */
    record(route: RouteKey | null, status: number): void {
      requests += 1;
      if (status === 429) rateLimited += 1;
      if (route === null) return;
      const entry = routes[route];
      entry.requests += 1;
      if (status === 429) entry.rateLimited += 1;
      entry.byStatus[status] = (entry.byStatus[status] ?? 0) + 1;
    },
    snapshot(limits: { invalid: number; banned: boolean }): StatsSnapshot {
      return { requests, rateLimited, ...limits, routes: structuredClone(routes) };
    },
    reset(): void {
      requests = 0;
      rateLimited = 0;
      routes = emptyRoutes();
    },
  };
}

function emptyRoutes(): Record<RouteKey, RouteStats> {
  return Object.fromEntries(ROUTE_KEYS.map((key) => [key, { requests: 0, rateLimited: 0, byStatus: {} }])) as Record<RouteKey, RouteStats>;
}
