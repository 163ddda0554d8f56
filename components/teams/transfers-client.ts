import { actionResultSchema, apiErrorSchema, type ActionResult } from "@/lib/api/answer";
import { transferStatusSchema, type TransferStatus } from "@/lib/tournament/answer";
import { TeamApiError } from "./teams-client";

/** Query key of the transfer rules' read; every admin change invalidates it. */
export const transfersQueryKey = ["transfers"] as const;

/** The window and the locks change rarely, but a scheduled change should show within this. */
export const transfersStaleTimeMs = 30_000;

export async function fetchTransferStatus(signal?: AbortSignal): Promise<TransferStatus> {
  const response = await fetch("/api/transfers", { cache: "no-store", signal });
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = transferStatusSchema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new TeamApiError("The server answered in a shape this page does not understand. Reload the page.", response.status);
  }
  throw errorOf(body, response.status);
}

/** A tournament admin's change to the transfer rules; each maps to one admin route. Times are epoch milliseconds. */
export type TransferAdminAction =
  | { kind: "window"; change: "open" | "close"; at?: number }
  | { kind: "cancel-window"; change: "open" | "close" }
  | { kind: "lock"; teamId?: string; until: number | null; reason: string }
  | { kind: "unlock"; teamId?: string }
  | { kind: "season"; startsAt: number; changeLimit: number | null };

function routeOf(action: TransferAdminAction): [method: string, path: string, body: Record<string, unknown>] {
  switch (action.kind) {
    case "window":
      return ["POST", "/api/admin/transfer-window", { change: action.change, at: action.at }];
    case "cancel-window":
      return ["DELETE", "/api/admin/transfer-window", { change: action.change }];
    case "lock":
      return ["POST", "/api/admin/roster-locks", { teamId: action.teamId, until: action.until, reason: action.reason }];
    case "unlock":
      return ["DELETE", "/api/admin/roster-locks", { teamId: action.teamId }];
    case "season":
      return ["PUT", "/api/admin/season", { startsAt: action.startsAt, changeLimit: action.changeLimit }];
  }
}

export async function runTransferAdmin(action: TransferAdminAction): Promise<ActionResult> {
  const [method, path, body] = routeOf(action);
  const response = await fetch(path, { method, cache: "no-store", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
  const answer: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = actionResultSchema.safeParse(answer);
    if (parsed.success) return parsed.data;
    throw new TeamApiError("The server answered in a shape this page does not understand. Reload the page.", response.status);
  }
  throw errorOf(answer, response.status);
}

function errorOf(body: unknown, status: number): TeamApiError {
  const error = apiErrorSchema.safeParse(body);
  if (error.success) return new TeamApiError(error.data.message, status, error.data.fieldErrors ?? {});
  if (status === 401) return new TeamApiError("Your login has ended. Reload the page and log in again.", 401);
  return new TeamApiError("Something went wrong. Please try again in a moment.", status);
}
