import "server-only";
import { QueryClient, dehydrate, type DehydratedState, type QueryKey } from "@tanstack/react-query";
import { lookingQueryKey, myOffersQueryKey, teamOffersQueryKey } from "@/components/pool/pool-client";
import { profileAnswerSchema, profileQueryKey } from "@/components/teams/profile-query";
import { myTeamQueryKey, teamsQueryKey } from "@/components/teams/teams-client";
import { transfersQueryKey } from "@/components/teams/transfers-client";
import type { SessionActor } from "@/lib/actions/actor";
import { ApiError } from "@/lib/api/errors";
import { limitOrOpen } from "@/lib/api/with-session";
import { moduleLogger } from "@/lib/log";
import { myOffersSchema, teamOffersSchema } from "@/lib/offers/answer";
import { lookingSchema } from "@/lib/pool/answer";
import type { DashboardView } from "@/lib/roles/answer";
import { myTeamSchema, teamListSchema } from "@/lib/teams/answer";
import { transferStatusSchema } from "@/lib/tournament/answer";
import { dashboardReads, type DashboardReads } from "./dashboard-reads";

const log = moduleLogger("dashboard");

/** Where the panels' data goes: the request's own cache, and the reads that failed (left out, for one log line). */
type Sink = { client: QueryClient; leftOut: { key: QueryKey; error: unknown }[] };

/**
 * The queries the chosen view mounts, filled on the server into a cache of
 * this request's own and handed to the browser's cache through
 * `HydrationBoundary`: the panels paint with their lists at once (and
 * without scripts), and their `useQuery` calls, finding fresh data under
 * the same keys, do not fetch it again on mount.
 *
 * The reads never fail the page: a read that fails leaves its query out,
 * and that panel fetches it as before.
 */
export async function prefetchDashboard(user: SessionActor, view: DashboardView, reads: DashboardReads = dashboardReads): Promise<DehydratedState> {
  const sink: Sink = { client: new QueryClient(), leftOut: [] };
  const panels = panelReadsOf(view, user, reads, sink);
  if (panels.length > 0 && (await withinReadBudget(user.id))) {
    await Promise.all(panels.map((readPanel) => readPanel()));
    logLeftOut(user.id, sink.leftOut);
  }
  return dehydrate(sink.client);
}

/** The reads of the panels `view` mounts (components/views, the dashboard's profile editor), not yet started. */
function panelReadsOf(view: DashboardView, user: SessionActor, reads: DashboardReads, sink: Sink): (() => Promise<unknown>)[] {
  const profile = () => store(sink, profileQueryKey, () => reads.profile(user), (json) => profileAnswerSchema.parse(json).profile);
  const transfers = () => store(sink, transfersQueryKey, () => reads.transfers(user), (json) => transferStatusSchema.parse(json));
  const myTeam = () => store(sink, myTeamQueryKey, () => reads.myTeam(user), (json) => myTeamSchema.parse(json));
  switch (view) {
    case "join-server":
    case "profile-form":
      return [];
    case "free-agent":
      return [
        profile,
        transfers,
        () => store(sink, teamsQueryKey, () => reads.teams(user), (json) => teamListSchema.parse(json)),
        () => store(sink, lookingQueryKey, () => reads.looking(user), (json) => lookingSchema.parse(json)),
        () => store(sink, myOffersQueryKey, () => reads.myOffers(user), (json) => myOffersSchema.parse(json)),
      ];
    case "team-manager":
      return [profile, transfers, () => myTeamThenItsOffers(user, reads, sink)];
    case "player":
      return [profile, transfers, myTeam];
  }
}

/** The team's offers are keyed by the team the my-team answer names, so they are read after it, as TeamOffersList does. */
async function myTeamThenItsOffers(user: SessionActor, reads: DashboardReads, sink: Sink): Promise<void> {
  const mine = await store(sink, myTeamQueryKey, () => reads.myTeam(user), (json) => myTeamSchema.parse(json));
  const teamId = mine?.canManage ? (mine.team?.id ?? null) : null;
  if (teamId === null) return;
  await store(sink, [...teamOffersQueryKey, teamId], () => reads.teamOffers(user, teamId), (json) => teamOffersSchema.parse(json));
}

/**
 * One query's data exactly as the browser's fetch function would have made
 * it from the route's answer: through JSON (dates become strings, undefined
 * fields go), then the client's own schema. Undefined when the read failed.
 */
async function store<T>(sink: Sink, key: QueryKey, read: () => Promise<unknown>, parse: (json: unknown) => T): Promise<T | undefined> {
  try {
    const json: unknown = JSON.parse(JSON.stringify(await read()));
    const data = parse(json);
    sink.client.setQueryData(key, data);
    return data;
  } catch (error) {
    sink.leftOut.push({ key, error });
    return undefined;
  }
}

/**
 * One unit of the user's "roles" read budget (the limit every GET behind
 * these panels is counted against) per page render that prefetches, however
 * many reads it makes. A page load is one request, standing in for the
 * GETs its panels would have made after the scripts ran, so a normal load
 * costs no more than one API call; yet a reload loop, with or without
 * scripts, spends the same budget and, past it, gets no free reads: the page
 * then renders without them and the panels' own fetches meet the 429 as
 * before. Fails open with Redis away, as the API's limit does (the reads
 * then fail too and are left out).
 */
async function withinReadBudget(userId: string): Promise<boolean> {
  try {
    const verdict = await limitOrOpen("roles", userId);
    if (!verdict.allowed) log.debug({ userId, retryAfterMs: verdict.retryAfterMs }, "dashboard prefetch skipped: read budget spent");
    return verdict.allowed;
  } catch (error) {
    log.warn({ userId, err: error }, "dashboard prefetch skipped: the read budget could not be checked");
    return false;
  }
}

/** One line per render: a refusal (an `ApiError`) is the route's own answer and only worth a debug line; anything else is a warning. */
function logLeftOut(userId: string, leftOut: Sink["leftOut"]): void {
  if (leftOut.length === 0) return;
  const queries = leftOut.map(({ key, error }) => ({ key: key.join("/"), error: error instanceof ApiError ? error.code : error instanceof Error ? error.message : String(error) }));
  const unexpected = leftOut.some(({ error }) => !(error instanceof ApiError));
  log[unexpected ? "warn" : "debug"]({ userId, queries }, "dashboard prefetch left queries out; their panels fetch them");
}
