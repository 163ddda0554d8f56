"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { formatUtc } from "@/lib/tournament/format";
import { reasonMaxLength } from "@/lib/tournament/input";
import { ActionStatus } from "../teams/action-status";
import { useTransferStatus, windowSentence } from "../teams/transfer-window";
import { runTransferAdmin, transfersQueryKey, type TransferAdminAction } from "../teams/transfers-client";
import { inputClass } from "../ui/field";
import { secondaryButtonClass, sectionHeadingClass } from "../ui/styles";

/** A `datetime-local` value (the admin's own time zone) as epoch ms; undefined when empty or not a time. */
function localTime(value: string): number | undefined {
  if (value === "") return undefined;
  const at = new Date(value).getTime();
  return Number.isFinite(at) ? at : undefined;
}

/**
 * The admin's transfer rules: open or close the window now or at a time,
 * lock one team's roster or every roster (a match day), and set the season
 * with its per-team limit of roster changes. Every change is judged by the
 * server (an admin's roles read fresh) and audited; afterwards the page is
 * refreshed so the audit log shows it.
 */
export function TransferAdmin({ teams }: { teams: { id: string; name: string }[] }) {
  const id = useId();
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = useTransferStatus();
  const mutation = useMutation({
    mutationFn: runTransferAdmin,
    retry: false,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: transfersQueryKey });
      router.refresh();
    },
  });
  const run = (action: TransferAdminAction) => mutation.mutate(action);
  const [scheduleAt, setScheduleAt] = useState("");
  const [lockTeam, setLockTeam] = useState("");
  const [lockUntil, setLockUntil] = useState("");
  const [lockReason, setLockReason] = useState("");
  const [seasonStart, setSeasonStart] = useState("");
  const [changeLimit, setChangeLimit] = useState("");
  const busy = mutation.isPending;

  const schedule = (change: "open" | "close") => {
    const at = localTime(scheduleAt);
    if (at !== undefined) run({ kind: "window", change, at });
  };
  const lock = (event: FormEvent) => {
    event.preventDefault();
    run({ kind: "lock", teamId: lockTeam === "" ? undefined : lockTeam, until: localTime(lockUntil) ?? null, reason: lockReason });
  };
  const saveSeason = (event: FormEvent) => {
    event.preventDefault();
    const startsAt = localTime(seasonStart);
    if (startsAt !== undefined) run({ kind: "season", startsAt, changeLimit: changeLimit === "" ? null : Number(changeLimit) });
  };

  const data = status.data;
  return (
    <div className="flex flex-col gap-5" data-transfer-admin>
      <div className="flex flex-col gap-2">
        <h3 className={sectionHeadingClass}>Transfer window</h3>
        <p className="text-sm text-slate-700" data-transfer-window={data ? (data.window.open ? "open" : "closed") : undefined}>
          {data ? windowSentence(data.window) : status.isError ? "The window's state could not be read." : "Reading the window…"}
          {data?.window.open === false && data.window.closesAt !== null && ` A closing is scheduled for ${formatUtc(data.window.closesAt)}.`}
          {data?.window.open === true && data.window.opensAt !== null && ` An opening is scheduled for ${formatUtc(data.window.opensAt)}.`}
        </p>
        <div className="flex flex-wrap gap-2">
          <button type="button" className={secondaryButtonClass} disabled={busy} onClick={() => run({ kind: "window", change: "open" })}>
            Open now
          </button>
          <button type="button" className={secondaryButtonClass} disabled={busy} onClick={() => run({ kind: "window", change: "close" })}>
            Close now
          </button>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-schedule`} className="font-medium text-slate-900">
              At (your local time)
            </label>
            <input id={`${id}-schedule`} type="datetime-local" value={scheduleAt} onChange={(event) => setScheduleAt(event.target.value)} className={inputClass} />
          </div>
          <button type="button" className={secondaryButtonClass} disabled={busy || localTime(scheduleAt) === undefined} onClick={() => schedule("open")}>
            Schedule opening
          </button>
          <button type="button" className={secondaryButtonClass} disabled={busy || localTime(scheduleAt) === undefined} onClick={() => schedule("close")}>
            Schedule closing
          </button>
        </div>
        {data?.window.opensAt != null && (
          <button type="button" className={secondaryButtonClass} disabled={busy} onClick={() => run({ kind: "cancel-window", change: "open" })}>
            Cancel the opening at {formatUtc(data.window.opensAt)}
          </button>
        )}
        {data?.window.closesAt != null && (
          <button type="button" className={secondaryButtonClass} disabled={busy} onClick={() => run({ kind: "cancel-window", change: "close" })}>
            Cancel the closing at {formatUtc(data.window.closesAt)}
          </button>
        )}
      </div>

      <form method="post" className="flex flex-col gap-2" onSubmit={lock} aria-label="Lock rosters">
        <h3 className={sectionHeadingClass}>Roster locks</h3>
        {data && data.locks.length === 0 && <p className="text-sm text-slate-600">No roster is locked.</p>}
        <ul className="flex flex-col gap-1" aria-label="Locks in force">
          {data?.locks.map((entry) => (
            <li key={entry.teamId ?? "all"} className="flex flex-wrap items-center justify-between gap-2 text-sm" data-roster-lock={entry.teamId ?? "all"}>
              <span>
                {entry.teamId === null ? "Every roster" : entry.teamName} · {entry.reason} · {entry.until === null ? "until unlocked" : `until ${formatUtc(entry.until)}`}
              </span>
              <button type="button" className={secondaryButtonClass} disabled={busy} onClick={() => run({ kind: "unlock", teamId: entry.teamId ?? undefined })}>
                Unlock
              </button>
            </li>
          ))}
        </ul>
        <div className="grid gap-2 sm:grid-cols-3">
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-lock-team`} className="font-medium text-slate-900">
              Roster
            </label>
            <select id={`${id}-lock-team`} value={lockTeam} onChange={(event) => setLockTeam(event.target.value)} className={inputClass}>
              <option value="">Every roster</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-lock-until`} className="font-medium text-slate-900">
              Until (optional, your local time)
            </label>
            <input id={`${id}-lock-until`} type="datetime-local" value={lockUntil} onChange={(event) => setLockUntil(event.target.value)} className={inputClass} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-lock-reason`} className="font-medium text-slate-900">
              Reason
            </label>
            <input id={`${id}-lock-reason`} value={lockReason} maxLength={reasonMaxLength} onChange={(event) => setLockReason(event.target.value)} placeholder="Match day" className={inputClass} />
          </div>
        </div>
        <div>
          <button type="submit" className={secondaryButtonClass} disabled={busy || lockReason.trim() === ""}>
            Lock
          </button>
        </div>
      </form>

      <form method="post" className="flex flex-col gap-2" onSubmit={saveSeason} aria-label="Season">
        <h3 className={sectionHeadingClass}>Season</h3>
        <p className="text-sm text-slate-700">
          {data?.season
            ? `The season ${data.season.started ? "started" : "starts"} ${formatUtc(data.season.startsAt)}; ${data.season.changeLimit === null ? "no limit of roster changes" : `${data.season.changeLimit} roster changes per team`}.`
            : "No season is set: roster changes are not counted."}
        </p>
        <div className="grid gap-2 sm:grid-cols-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-season-start`} className="font-medium text-slate-900">
              Season starts (your local time)
            </label>
            <input id={`${id}-season-start`} type="datetime-local" value={seasonStart} onChange={(event) => setSeasonStart(event.target.value)} className={inputClass} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-change-limit`} className="font-medium text-slate-900">
              Roster changes per team (empty: no limit)
            </label>
            <input id={`${id}-change-limit`} type="number" min={1} step={1} inputMode="numeric" value={changeLimit} onChange={(event) => setChangeLimit(event.target.value)} className={inputClass} />
          </div>
        </div>
        <div>
          <button type="submit" className={secondaryButtonClass} disabled={busy || localTime(seasonStart) === undefined}>
            Save season
          </button>
        </div>
      </form>
      <ActionStatus pending={mutation.isPending} error={mutation.error} result={mutation.data} />
    </div>
  );
}
