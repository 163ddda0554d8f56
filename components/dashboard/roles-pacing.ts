import type { RolesAnswer } from "@/lib/roles/answer";
import { busyUntilMs } from "./roles-client";

/**
 * How often the browser asks `/api/roles`, derived from what the server
 * said. The server decides when Discord may be asked again
 * (`nextRefreshAt`); asking the server before then only returns the same
 * answer, so the browser treats the data as fresh until that moment and a
 * window focus does not even reach the network.
 */

/** The parts of a TanStack query state the pacing reads. */
export type RolesQueryState = {
  data: RolesAnswer | undefined;
  dataUpdatedAt: number;
  error: Error | null;
  errorUpdatedAt: number;
};

/** While the server is serving a saved copy, look again no more often than this. */
export const staleAnswerRecheckMinMs = 10_000;

/**
 * Milliseconds after `receivedAtMs` until the server would ask Discord again.
 * `nextRefreshAt` is on the server's clock and `receivedAtMs` on the
 * browser's; the gap `nextRefreshAt - fetchedAt` is on one clock only, so it
 * caps the wait when the browser's clock runs behind the server's.
 */
export function freshForMs(answer: RolesAnswer, receivedAtMs: number): number {
  const nextRefreshMs = Date.parse(answer.nextRefreshAt);
  const serverWindowMs = nextRefreshMs - Date.parse(answer.fetchedAt);
  return Math.max(0, Math.min(nextRefreshMs - receivedAtMs, serverWindowMs));
}

/** TanStack's `staleTime`, measured from `dataUpdatedAt`: fresh until the server's next refresh. */
export function rolesStaleTimeMs(state: RolesQueryState): number {
  return state.data === undefined ? 0 : freshForMs(state.data, state.dataUpdatedAt);
}

/**
 * For `refetchOnWindowFocus` and `refetchOnMount`: false while a wait the
 * server asked for (429, 503) is running. TanStack counts any failed query
 * as stale, so without this a focus during the wait would ask at once.
 */
export function rolesMayRefetch(state: RolesQueryState, nowMs: number): boolean {
  const busyUntil = busyUntilMs(state.error, state.errorUpdatedAt);
  return busyUntil === null || nowMs >= busyUntil;
}

/**
 * TanStack's `refetchInterval`: only while the server is serving a saved
 * copy (Discord busy), check back when it plans to try Discord again. A
 * server-requested wait is scheduled by the dashboard itself, so none here.
 */
export function rolesRecheckIntervalMs(state: RolesQueryState): number | false {
  const answer = state.data;
  if (answer === undefined || !(answer.stale || answer.discordBusy)) return false;
  if (busyUntilMs(state.error, state.errorUpdatedAt) !== null) return false;
  return Math.max(staleAnswerRecheckMinMs, freshForMs(answer, state.dataUpdatedAt));
}
