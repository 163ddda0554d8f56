import { z } from "zod";

/**
 * The actions the HA stream sends, the routes they go to, and what one
 * attempt of one was answered. A transport sends an attempt to one of the
 * app instances: over HTTP with a session cookie in the benchmark, through
 * the route handlers in-process in the failover test.
 */

export type HaActionKind = "profile" | "create" | "request" | "approve" | "leave" | "looking";

export const actionRoutes: Record<HaActionKind, { method: "POST" | "PUT" | "DELETE"; path: string }> = {
  profile: { method: "POST", path: "/api/profile" },
  create: { method: "POST", path: "/api/teams" },
  request: { method: "POST", path: "/api/teams/requests" },
  approve: { method: "POST", path: "/api/teams/requests/approve" },
  leave: { method: "DELETE", path: "/api/teams/members" },
  looking: { method: "PUT", path: "/api/pool/me" },
};

export type ActionRequest = { kind: HaActionKind; instance: number; actorId: string; body: Record<string, string | boolean> };

export type ActionAnswer = {
  status: number | "no answer";
  /** The error code of a refusal (`{error}`), null for a success or an unreadable body. */
  code: string | null;
  retryAfter: string | null;
  /** A success's `applied`: false when the state already was as asked. */
  applied: boolean | null;
  /** The team a success names (the new team's id for a create). */
  answeredTeamId: string | null;
};

export type ActionTransport = (request: ActionRequest) => Promise<ActionAnswer>;

/** One attempt as the stream recorded it. */
export type HaRecord = ActionRequest &
  ActionAnswer & {
    /** The team and the user the action is about (the actor's own id for their profile, request and leave). */
    teamId: string | null;
    targetId: string | null;
    gamerTag: string | null;
    looking: boolean | null;
    /** Epoch milliseconds. */
    sentAt: number;
    answeredAt: number;
  };

const successBody = z.object({ applied: z.boolean(), teamId: z.string().nullable().optional() });
const errorBody = z.object({ error: z.string() });

/** Reads an answer's status, body and Retry-After the same way whichever transport got it. */
export function readAnswer(status: number, body: string, retryAfter: string | null): ActionAnswer {
  let json: unknown = null;
  try {
    json = JSON.parse(body) as unknown;
  } catch {
    // a proxy's or a crashed server's page: no code
  }
  const success = status === 200 ? successBody.safeParse(json).data : undefined;
  return {
    status,
    code: status >= 400 ? (errorBody.safeParse(json).data?.error ?? null) : null,
    retryAfter,
    applied: success?.applied ?? null,
    answeredTeamId: success?.teamId ?? null,
  };
}

export const noAnswer: ActionAnswer = { status: "no answer", code: null, retryAfter: null, applied: null, answeredTeamId: null };

/** An attempt that may have changed something without saying so: no answer, a server error, or a 503 other than Discord's admission. */
export function isUnsure(record: Pick<HaRecord, "status" | "code">): boolean {
  if (record.status === "no answer") return true;
  if (record.status < 500) return false;
  return record.code !== "discord_busy";
}

export const isSuccess = (record: Pick<HaRecord, "status">) => record.status === 200;
