"use client";

import Link from "next/link";
import { useState } from "react";
import { countryNames } from "@/lib/profile/countries";
import type { TeamDetail } from "@/lib/teams/answer";
import { teamButtonAction } from "@/lib/teams/team-button-action";
import { Avatar } from "../ui/avatar";
import { useScriptsRunning } from "../ui/use-scripts-running";
import { dangerButtonClass, secondaryButtonClass } from "../ui/styles";
import { ActionButtonForm } from "./action-button-form";
import { ActionStatus } from "./action-status";
import { useTeamAction } from "./use-team-action";
import { useButtonFallback } from "../ui/use-button-fallback";

export type TeamRosterProps = {
  team: TeamDetail;
  /** Manager or tournament admin: may remove players, hand over, disband. */
  canManage: boolean;
  /** The signed-in user, who may leave the team themself. */
  viewerId: string | null;
  /** After a change: the page re-reads roles (the dashboard) or the server data (the admin area). */
  onChanged: () => unknown;
};

function isCountryCode(code: string): code is keyof typeof countryNames {
  return Object.hasOwn(countryNames, code);
}

/** The roster with the actions the viewer may take; the server checks every one again. */
export function TeamRoster({ team, canManage, viewerId, onChanged }: TeamRosterProps) {
  const action = useTeamAction(onChanged);
  const [confirmingDisband, setConfirmingDisband] = useState(false);
  const [refusal, formAction] = useButtonFallback(teamButtonAction);
  const scripts = useScriptsRunning();
  // Asked before disbanding, with scripts or without.
  const disbandQuestion = <p className="text-sm text-slate-800">Disband {team.name}? Its Discord role is deleted and every member becomes a free agent.</p>;
  const isBusy = (kind: string, userId?: string) =>
    action.current !== undefined && action.current.kind === kind && (userId === undefined || ("userId" in action.current && action.current.userId === userId));

  return (
    <div className="flex flex-col gap-3" data-team={team.name}>
      <p className="font-semibold text-slate-900">
        <Link href={`/teams/${team.id}`} className="underline decoration-slate-300 underline-offset-2 hover:decoration-slate-700">
          {team.name}
        </Link>{" "}
        <span className="text-sm font-normal text-slate-600">[{team.tag}]</span>
        <span className="ml-2 text-sm font-normal text-slate-600">
          {team.roster.length}/{team.rosterMax} players
        </span>
      </p>
      {team.pendingChange && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          A change to this team is still settling with Discord; the next action on it completes or undoes it.
        </p>
      )}
      <ul className="flex flex-col divide-y divide-slate-200" aria-label={`Roster of ${team.name}`}>
        {team.roster.map((entry) => (
          <li key={entry.userId} className="flex flex-wrap items-center justify-between gap-3 py-2" data-member={entry.name}>
            <div className="flex min-w-0 items-center gap-3">
              <Avatar src={entry.avatarUrl} />
              <div className="min-w-0">
                <p className="font-medium text-slate-900">
                  {entry.name}
                  {entry.role === "manager" && <span className="ml-2 rounded bg-purple-100 px-2 py-0.5 text-xs font-semibold text-purple-800">Manager</span>}
                  {entry.userId === viewerId && <span className="ml-2 text-xs text-slate-600">(you)</span>}
                </p>
                <p className="text-sm text-slate-600">
                  {[entry.gamerTag, entry.position, entry.platform, entry.country && isCountryCode(entry.country) ? countryNames[entry.country] : entry.country]
                    .filter(Boolean)
                    .join(" · ") || "No profile yet"}
                </p>
              </div>
            </div>
            <div className="flex flex-wrap gap-2">
              {canManage && entry.role === "player" && (
                <>
                  <ActionButtonForm
                    action={formAction}
                    act={{ kind: "transfer", teamId: team.id, userId: entry.userId }}
                    run={action.run}
                    className={secondaryButtonClass}
                    disabled={action.pending}
                    busy={isBusy("transfer", entry.userId)}
                    label={`Make manager: ${entry.name}`}
                  >
                    Make manager
                  </ActionButtonForm>
                  <ActionButtonForm
                    action={formAction}
                    act={{ kind: "remove", teamId: team.id, userId: entry.userId }}
                    run={action.run}
                    className={secondaryButtonClass}
                    disabled={action.pending}
                    busy={isBusy("remove", entry.userId)}
                    label={`Remove ${entry.name}`}
                  >
                    Remove
                  </ActionButtonForm>
                </>
              )}
              {!canManage && entry.userId === viewerId && entry.role === "player" && (
                <ActionButtonForm
                  action={formAction}
                  act={{ kind: "remove", teamId: team.id, userId: entry.userId }}
                  run={action.run}
                  className={secondaryButtonClass}
                  disabled={action.pending}
                  busy={isBusy("remove", entry.userId)}
                >
                  Leave team
                </ActionButtonForm>
              )}
            </div>
          </li>
        ))}
      </ul>
      {canManage && !scripts && (
        // Without scripts the confirmation is a disclosure the browser opens by itself; its button posts the form.
        <details className="self-start">
          <summary className={`${secondaryButtonClass} inline-flex cursor-pointer list-none items-center`}>Disband team</summary>
          <div className="mt-2 flex flex-wrap items-center gap-2" role="group" aria-label="Confirm disbanding">
            {disbandQuestion}
            <ActionButtonForm
              action={formAction}
              act={{ kind: "disband", teamId: team.id }}
              run={action.run}
              className={dangerButtonClass}
            >
              Yes, disband {team.name}
            </ActionButtonForm>
          </div>
        </details>
      )}
      {canManage &&
        scripts &&
        (confirmingDisband ? (
          <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Confirm disbanding">
            {disbandQuestion}
            <button type="button" className={dangerButtonClass} disabled={action.pending} aria-busy={isBusy("disband")} onClick={() => action.run({ kind: "disband", teamId: team.id })}>
              Yes, disband {team.name}
            </button>
            <button type="button" className={secondaryButtonClass} disabled={action.pending} onClick={() => setConfirmingDisband(false)}>
              Keep the team
            </button>
          </div>
        ) : (
          <button type="button" className={`${secondaryButtonClass} self-start`} disabled={action.pending} onClick={() => setConfirmingDisband(true)}>
            Disband team
          </button>
        ))}
      <ActionStatus pending={action.pending} error={action.error} result={action.result} refusal={refusal} />
    </div>
  );
}
