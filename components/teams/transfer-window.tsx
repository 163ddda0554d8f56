"use client";

import { useQuery } from "@tanstack/react-query";
import type { TransferStatus } from "@/lib/tournament/answer";
import { formatUtc } from "@/lib/tournament/format";
import { fetchTransferStatus, transfersQueryKey, transfersStaleTimeMs } from "./transfers-client";

export function useTransferStatus() {
  return useQuery({ queryKey: transfersQueryKey, queryFn: ({ signal }) => fetchTransferStatus(signal), staleTime: transfersStaleTimeMs, refetchInterval: transfersStaleTimeMs });
}

/** The window's state as one sentence: open or closed, and until when. */
export function windowSentence(window: TransferStatus["window"]): string {
  if (window.open) return window.closesAt === null ? "The transfer window is open." : `The transfer window is open until ${formatUtc(window.closesAt)}.`;
  return window.opensAt === null ? "The transfer window is closed until a tournament admin opens it." : `The transfer window is closed until ${formatUtc(window.opensAt)}.`;
}

function lockSentence(lock: TransferStatus["locks"][number], own: boolean): string {
  const whose = lock.teamId === null ? "All rosters are" : own ? "Your team's roster is" : `${lock.teamName ?? "A team"}'s roster is`;
  const until = lock.until === null ? "until a tournament admin unlocks it" : `until ${formatUtc(lock.until)}`;
  return `${whose} locked ${until} (${lock.reason}).`;
}

/**
 * The transfer rules as they bear on the viewer: the window, the locks on
 * their team's roster (or every roster), and for a manager the roster
 * changes the team has left this season. Joins, departures and removals
 * wait while the window is closed or the roster locked.
 */
export function TransferWindow({ showChangesLeft }: { showChangesLeft: boolean }) {
  const status = useTransferStatus();
  if (status.isPending) return null;
  if (status.isError) return <p className="text-sm text-slate-600">The transfer window&apos;s state could not be read just now.</p>;
  const { window, locks, season, myTeam } = status.data;
  const relevant = locks.filter((lock) => lock.teamId === null || lock.teamId === myTeam?.teamId);
  const blocked = !window.open || relevant.length > 0;
  return (
    <div
      role="status"
      data-transfer-window={window.open ? "open" : "closed"}
      className={`flex flex-col gap-1 rounded-md px-3 py-2 text-sm ring-1 ${blocked ? "bg-amber-50 text-amber-900 ring-amber-200" : "bg-emerald-50 text-emerald-900 ring-emerald-200"}`}
    >
      <p className="font-medium">{windowSentence(window)}</p>
      {relevant.map((lock) => (
        <p key={lock.teamId ?? "all"} data-roster-lock={lock.teamId ?? "all"}>
          {lockSentence(lock, lock.teamId !== null)}
        </p>
      ))}
      {blocked && <p>Joining, leaving and removing players wait until then.</p>}
      {showChangesLeft && myTeam && season?.started && (
        <p data-changes-left={myTeam.changesLeft ?? "unlimited"}>
          {myTeam.changesLeft === null
            ? `Roster changes this season: ${myTeam.changesMade} (no limit).`
            : `Roster changes left this season: ${myTeam.changesLeft} of ${season.changeLimit ?? 0}.`}
        </p>
      )}
    </div>
  );
}
