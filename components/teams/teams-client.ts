import type { z } from "zod";
import { actionResultSchema, apiErrorSchema, type ActionResult } from "@/lib/api/answer";
import { myTeamSchema, teamListSchema, type MyTeam, type TeamList } from "@/lib/teams/answer";

/** Query keys of the teams feature; every action invalidates both. */
export const teamsQueryKey = ["teams"] as const;
export const myTeamQueryKey = ["my-team"] as const;

/**
 * Team lists are re-read on focus only when older than this: reads share the
 * per-user API budget with the roles endpoint, and a change made here
 * invalidates them at once anyway.
 */
export const teamsStaleTimeMs = 15_000;

/** A refused or failed call, with the server's sentence and, for form input, a message per field. */
export class TeamApiError extends Error {
  override name = "TeamApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** An API answer parsed at the boundary, or the server's sentence as a `TeamApiError`; the pool and offers clients share it. */
export async function read<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new TeamApiError("The server answered in a shape this page does not understand. Reload the page.", response.status);
  }
  const error = apiErrorSchema.safeParse(body);
  if (error.success) throw new TeamApiError(error.data.message, response.status, error.data.fieldErrors ?? {});
  if (response.status === 401) throw new TeamApiError("Your login has ended. Reload the page and log in again.", 401);
  throw new TeamApiError("Something went wrong. Please try again in a moment.", response.status);
}

export async function fetchTeams(signal?: AbortSignal): Promise<TeamList> {
  return read(await fetch("/api/teams", { cache: "no-store", signal }), teamListSchema);
}

export async function fetchMyTeam(signal?: AbortSignal): Promise<MyTeam> {
  return read(await fetch("/api/teams/mine", { cache: "no-store", signal }), myTeamSchema);
}

/** A tournament admin's reason to make a roster move while the window is closed, the roster locked or the season's changes spent. */
export type TransferOverride = { reason: string };

/** Every team mutation, by what it does; each maps to one route of app/api/teams. */
export type TeamAction =
  | { kind: "create"; name: string; tag: string }
  | { kind: "request"; teamId: string }
  | { kind: "withdraw"; teamId: string }
  | { kind: "approve"; teamId: string; userId: string; override?: TransferOverride }
  | { kind: "decline"; teamId: string; userId: string }
  | { kind: "remove"; teamId: string; userId: string; override?: TransferOverride }
  | { kind: "transfer"; teamId: string; userId: string }
  | { kind: "disband"; teamId: string };

function routeOf(action: TeamAction): [method: string, path: string, body: Record<string, string | TransferOverride | undefined>] {
  switch (action.kind) {
    case "create":
      return ["POST", "/api/teams", { name: action.name, tag: action.tag }];
    case "request":
      return ["POST", "/api/teams/requests", { teamId: action.teamId }];
    case "withdraw":
      return ["DELETE", "/api/teams/requests", { teamId: action.teamId }];
    case "approve":
      return ["POST", "/api/teams/requests/approve", { teamId: action.teamId, userId: action.userId, override: action.override }];
    case "decline":
      return ["POST", "/api/teams/requests/decline", { teamId: action.teamId, userId: action.userId }];
    case "remove":
      return ["DELETE", "/api/teams/members", { teamId: action.teamId, userId: action.userId, override: action.override }];
    case "transfer":
      return ["PUT", "/api/teams/manager", { teamId: action.teamId, userId: action.userId }];
    case "disband":
      return ["POST", "/api/teams/disband", { teamId: action.teamId }];
  }
}

export async function runTeamAction(action: TeamAction): Promise<ActionResult> {
  const [method, path, body] = routeOf(action);
  const response = await fetch(path, {
    method,
    cache: "no-store",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return read(response, actionResultSchema);
}
