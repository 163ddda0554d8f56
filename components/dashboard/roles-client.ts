import { z } from "zod";
import { dashboardViews, rolesSources } from "@/lib/roles/answer";
import type { RolesAnswer } from "@/lib/roles/answer";
import { HttpError, parseRetryAfterSeconds } from "../http-error";

/** The roles query's key in TanStack Query's cache (the dashboard reads it; live updates write it). */
export const rolesQueryKey = ["roles"] as const;

/** Where the browser reads its roles; same origin, so the session cookie rides along. */
export const rolesEndpoint = "/api/roles";

/** Used when a 429 or 503 names no wait: long enough not to hammer, short enough to feel alive. */
export const fallbackRetryAfterSeconds = 5;

const isoDateTime = z.iso.datetime({ offset: true });

export const rolesAnswerSchema: z.ZodType<RolesAnswer> = z.object({
  view: z.enum(dashboardViews),
  isAdmin: z.boolean(),
  member: z.boolean(),
  roles: z.array(z.string()),
  nick: z.string().nullable(),
  fetchedAt: isoDateTime,
  how: z.enum(rolesSources),
  stale: z.boolean(),
  nextRefreshAt: isoDateTime,
  discordBusy: z.boolean(),
});

const unauthorizedSchema = z.object({ error: z.enum(["unauthenticated", "session_expired"]), message: z.string() });
const unavailableSchema = z.object({ error: z.enum(["discord_busy", "unavailable"]), message: z.string(), retryAfterSeconds: z.number().nonnegative() });

export async function fetchRoles(signal?: AbortSignal): Promise<RolesAnswer> {
  const response = await fetch(rolesEndpoint, { cache: "no-store", headers: { accept: "application/json" }, signal });
  return readRolesResponse(response, Date.now());
}

/** Turns any answer of `GET /api/roles` into a `RolesAnswer` or a typed `HttpError`. */
export async function readRolesResponse(response: Response, nowMs: number): Promise<RolesAnswer> {
  const body = await readJson(response);
  if (response.ok) {
    const answer = rolesAnswerSchema.safeParse(body);
    if (answer.success) return answer.data;
    throw new HttpError("The server sent roles in a shape this page does not understand.", response.status);
  }
  const headerWait = parseRetryAfterSeconds(response.headers.get("retry-after"), nowMs);
  if (response.status === 401) {
    const unauthorized = unauthorizedSchema.safeParse(body);
    const code = unauthorized.success ? unauthorized.data.error : "unauthenticated";
    throw new HttpError(unauthorized.success ? unauthorized.data.message : "Please log in.", 401, { code });
  }
  if (response.status === 503) {
    const unavailable = unavailableSchema.safeParse(body);
    const wait = unavailable.success ? unavailable.data.retryAfterSeconds : headerWait;
    const message = unavailable.success ? unavailable.data.message : "Discord is busy.";
    throw new HttpError(message, 503, { code: unavailable.success ? unavailable.data.error : "discord_busy", retryAfterSeconds: wait ?? fallbackRetryAfterSeconds });
  }
  if (response.status === 429) {
    throw new HttpError("Too many requests.", 429, { retryAfterSeconds: headerWait ?? fallbackRetryAfterSeconds });
  }
  throw new HttpError(`Roles request failed with status ${response.status}.`, response.status, { retryAfterSeconds: headerWait });
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** What the dashboard does about a failed roles request. */
export type RolesProblem =
  | { kind: "signed-out"; redirectTo: string }
  | { kind: "busy"; retryAtMs: number }
  | { kind: "failed" };

export function describeRolesProblem(error: Error | null, errorUpdatedAt: number): RolesProblem | null {
  if (error === null) return null;
  if (error instanceof HttpError && error.status === 401) {
    return { kind: "signed-out", redirectTo: error.code === "session_expired" ? "/api/session/expired" : "/" };
  }
  const retryAtMs = busyUntilMs(error, errorUpdatedAt);
  if (retryAtMs !== null) return { kind: "busy", retryAtMs };
  return { kind: "failed" };
}

/** When the server asked us to come back, on the browser's clock; null if it did not say. */
export function busyUntilMs(error: Error | null, errorUpdatedAt: number): number | null {
  if (!(error instanceof HttpError) || error.status === 401 || error.retryAfterSeconds === null) return null;
  // At least a second, so a `Retry-After: 0` cannot become a tight loop.
  return errorUpdatedAt + Math.max(1, error.retryAfterSeconds) * 1000;
}
