import { actionResultSchema, type ActionResult } from "@/lib/api/answer";
import { myOffersSchema, teamOffersSchema, type MyOffers, type TeamOffers } from "@/lib/offers/answer";
import { lookingSchema, poolPageSchema, type PoolPage } from "@/lib/pool/answer";
import { read } from "../teams/teams-client";

/** Query keys of the pool and the offers; their mutations invalidate them. */
export const poolQueryKey = ["pool"] as const;
export const lookingQueryKey = ["pool", "me"] as const;
export const myOffersQueryKey = ["offers", "mine"] as const;
export const teamOffersQueryKey = ["offers", "team"] as const;

/** The pool page's filters, as the query string carries them (empty: no filter). */
export type PoolFilters = { page: number; platform: string; position: string; country: string; q: string };

export async function fetchPool(filters: PoolFilters, signal?: AbortSignal): Promise<PoolPage> {
  const query = new URLSearchParams({ page: String(filters.page) });
  for (const key of ["platform", "position", "country", "q"] as const) if (filters[key] !== "") query.set(key, filters[key]);
  return read(await fetch(`/api/pool?${query}`, { cache: "no-store", signal }), poolPageSchema);
}

export async function fetchLooking(signal?: AbortSignal): Promise<{ looking: boolean }> {
  return read(await fetch("/api/pool/me", { cache: "no-store", signal }), lookingSchema);
}

export async function fetchMyOffers(signal?: AbortSignal): Promise<MyOffers> {
  return read(await fetch("/api/offers", { cache: "no-store", signal }), myOffersSchema);
}

export async function fetchTeamOffers(teamId: string, signal?: AbortSignal): Promise<TeamOffers> {
  return read(await fetch(`/api/offers?${new URLSearchParams({ teamId })}`, { cache: "no-store", signal }), teamOffersSchema);
}

/** Every pool and offer mutation, by what it does; each maps to one route. */
export type PoolAction =
  | { kind: "looking"; looking: boolean }
  | { kind: "offer"; teamId: string; userId: string }
  | { kind: "withdraw-offer"; teamId: string; userId: string }
  | { kind: "accept-offer"; teamId: string }
  | { kind: "decline-offer"; teamId: string };

function routeOf(action: PoolAction): [method: string, path: string, body: Record<string, unknown>] {
  switch (action.kind) {
    case "looking":
      return ["PUT", "/api/pool/me", { looking: action.looking }];
    case "offer":
      return ["POST", "/api/offers", { teamId: action.teamId, userId: action.userId }];
    case "withdraw-offer":
      return ["DELETE", "/api/offers", { teamId: action.teamId, userId: action.userId }];
    case "accept-offer":
      return ["POST", "/api/offers/accept", { teamId: action.teamId }];
    case "decline-offer":
      return ["POST", "/api/offers/decline", { teamId: action.teamId }];
  }
}

export async function runPoolAction(action: PoolAction): Promise<ActionResult> {
  const [method, path, body] = routeOf(action);
  const response = await fetch(path, { method, cache: "no-store", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
  return read(response, actionResultSchema);
}
