import type { QueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { dashboardViews, type RolesAnswer } from "@/lib/roles/answer";
import { myTeamSchema } from "@/lib/teams/answer";
import { rolesQueryKey } from "../dashboard/roles-client";
import { myTeamQueryKey, teamsQueryKey } from "../teams/teams-client";

/**
 * What the live-update stream (`GET /api/events`, lib/events/open-stream.ts)
 * pushes, parsed at the browser's boundary and written into TanStack
 * Query's cache, so every component reading those queries shows the change.
 */

/** Where the stream is opened; same origin, so the session cookie rides along. */
export const liveEndpoint = "/api/events";

/** The events the page acts on; `ready` only says the stream is open. */
export const liveEventNames = ["ready", "roles", "team", "refetch", "session-ended"] as const;
export type LiveEventName = (typeof liveEventNames)[number];

const liveRolesSchema = z.object({
  view: z.enum(dashboardViews),
  isAdmin: z.boolean(),
  member: z.boolean(),
  roles: z.array(z.string()),
  nick: z.string().nullable(),
  fetchedAt: z.iso.datetime({ offset: true }),
});

const refetchSchema = z.object({ queries: z.array(z.enum(["roles", "team"])) });

/** A first `ready` carries the data as of the stream's start; a resumed one carries nothing (its `team` and `roles` events follow). */
const readySchema = z.object({ resumed: z.boolean(), team: z.unknown().optional(), roles: z.unknown().optional() });

function parsed(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

type LiveQuery = "roles" | "team";

/** The cached queries each live query stands for: the team is the user's team and the team list. */
function queryKeysOf(queries: readonly LiveQuery[]): (readonly string[])[] {
  return queries.flatMap((query): (readonly string[])[] => (query === "roles" ? [rolesQueryKey] : [myTeamQueryKey, teamsQueryKey]));
}

/** Re-reads the queries named: the stream could not say what changed. */
export async function refetchLive(queryClient: QueryClient, queries: readonly LiveQuery[]): Promise<void> {
  await Promise.all(queryKeysOf(queries).map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}

/**
 * Applies one pushed event. Roles are merged into the last roles answer:
 * the server's pacing fields (`stale`, `nextRefreshAt`, `discordBusy`)
 * stay as the last `GET /api/roles` said. The team replaces the
 * user's team and makes the team list re-read (its counts and "requested"
 * marks changed too). Anything that does not parse is re-read instead.
 */
export async function applyLiveEvent(queryClient: QueryClient, name: LiveEventName, data: string): Promise<void> {
  switch (name) {
    case "ready":
      return applyStartingData(queryClient, data);
    case "roles": {
      const roles = liveRolesSchema.safeParse(parsed(data));
      if (!roles.success) return refetchLive(queryClient, ["roles"]);
      queryClient.setQueryData<RolesAnswer>(rolesQueryKey, (previous) => (previous === undefined ? previous : { ...previous, ...roles.data }));
      return;
    }
    case "team": {
      const team = myTeamSchema.safeParse(parsed(data));
      if (!team.success) return refetchLive(queryClient, ["team"]);
      queryClient.setQueryData(myTeamQueryKey, team.data);
      await queryClient.invalidateQueries({ queryKey: teamsQueryKey });
      return;
    }
    case "refetch": {
      const request = refetchSchema.safeParse(parsed(data));
      return refetchLive(queryClient, request.success ? request.data.queries : ["roles", "team"]);
    }
    case "session-ended":
      // The roles query then answers 401, and the dashboard takes the user to the sign-in page with the reason.
      return refetchLive(queryClient, ["roles"]);
  }
}

/**
 * The data a new stream starts from: what changed between the page's first
 * reads and the stream's opening would otherwise show only at the next
 * focus. Written as the pushed events are, except that an unchanged team
 * does not make the team list re-read (every page load would), and roles
 * that arrive while the first roles answer is still on its way make it ask
 * again (that answer may predate the change).
 */
async function applyStartingData(queryClient: QueryClient, data: string): Promise<void> {
  const ready = readySchema.safeParse(parsed(data));
  if (!ready.success || ready.data.resumed) return;
  const { team, roles } = ready.data;
  const parsedTeam = team === undefined ? undefined : myTeamSchema.safeParse(team);
  const parsedRoles = roles === undefined ? undefined : liveRolesSchema.safeParse(roles);
  const stale: LiveQuery[] = [];
  if (parsedTeam !== undefined) {
    const before = queryClient.getQueryData(myTeamQueryKey);
    if (!parsedTeam.success || awaitingFirstAnswer(queryClient, myTeamQueryKey)) stale.push("team");
    // Structural sharing: an equal team leaves the cached value as it was, and the list is not re-read.
    else if (before !== undefined && queryClient.setQueryData(myTeamQueryKey, parsedTeam.data) !== before) await queryClient.invalidateQueries({ queryKey: teamsQueryKey });
  }
  if (parsedRoles !== undefined) {
    if (!parsedRoles.success || awaitingFirstAnswer(queryClient, rolesQueryKey)) stale.push("roles");
    else queryClient.setQueryData<RolesAnswer>(rolesQueryKey, (previous) => (previous === undefined ? previous : { ...previous, ...parsedRoles.data }));
  }
  if (stale.length === 0) return;
  // A query's first answer is not cancelled by an invalidation (it would be waited for and kept): cancel it first.
  await Promise.all(queryKeysOf(stale).map((queryKey) => queryClient.cancelQueries({ queryKey })));
  await refetchLive(queryClient, stale);
}

/** A query with no data yet whose first answer is on its way: that answer may predate the stream. */
function awaitingFirstAnswer(queryClient: QueryClient, queryKey: readonly string[]): boolean {
  const state = queryClient.getQueryState(queryKey);
  return state !== undefined && state.data === undefined && state.fetchStatus === "fetching";
}

/** Waits before opening the stream again after it could not be opened (429, 503, a network failure): 15 s, doubling, at most 5 min. */
export function reopenDelayMs(failures: number): number {
  return Math.min(300_000, 15_000 * 2 ** Math.max(0, failures - 1));
}
