"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useId, useState } from "react";
import { teamButtonAction } from "@/lib/teams/team-button-action";
import { inputClass } from "../ui/field";
import { Skeleton } from "../ui/skeleton";
import { secondaryButtonClass } from "../ui/styles";
import { useScriptsRunning } from "../ui/use-scripts-running";
import { ActionButtonForm } from "./action-button-form";
import { ActionStatus } from "./action-status";
import { fetchTeams, teamsQueryKey, teamsStaleTimeMs } from "./teams-client";
import { useTeamAction } from "./use-team-action";
import { useButtonFallback } from "../ui/use-button-fallback";

/** The search's field in the page's address, where a search made without scripts puts it. */
const searchParam = "q";

/**
 * Teams a free agent can browse: search by name or tag, ask to join, or
 * withdraw the request. The search filters as one types; without scripts
 * it is a GET form whose Search button reloads the page with the filter in
 * the address, and the server's render applies it.
 */
export function TeamBrowser() {
  const id = useId();
  const address = useSearchParams();
  const [search, setSearch] = useState(address.get(searchParam) ?? "");
  const scripts = useScriptsRunning();
  const teams = useQuery({ queryKey: teamsQueryKey, queryFn: ({ signal }) => fetchTeams(signal), staleTime: teamsStaleTimeMs });
  const action = useTeamAction();
  const [refusal, formAction] = useButtonFallback(teamButtonAction);

  if (teams.isPending) return <Skeleton label="Loading teams…" />;
  if (teams.isError) return <p role="alert" className="text-sm text-red-700">{teams.error.message}</p>;

  const needle = search.trim().toLowerCase();
  const shown = teams.data.teams.filter((team) => needle === "" || team.name.toLowerCase().includes(needle) || team.tag.toLowerCase().includes(needle));

  return (
    <div className="flex flex-col gap-3">
      <form role="search" aria-label="Teams" method="get" action="/" onSubmit={(event) => event.preventDefault()} className="flex flex-col gap-3">
        <label htmlFor={`${id}-search`} className="font-medium text-slate-900">
          Search teams
        </label>
        <div className="flex gap-2">
          <input id={`${id}-search`} type="search" name={searchParam} value={search} onChange={(event) => setSearch(event.target.value)} className={inputClass} />
          {!scripts && (
            <button type="submit" className={secondaryButtonClass}>
              Search
            </button>
          )}
        </div>
      </form>
      <p className="text-sm text-slate-600">
        Open requests: {teams.data.myRequests} of {teams.data.myRequestsMax}.
      </p>
      {shown.length === 0 ? (
        <p className="text-sm text-slate-600">{teams.data.teams.length === 0 ? "No teams yet. Be the first to create one." : "No team matches your search."}</p>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-200" aria-label="Teams">
          {shown.map((team) => {
            const busy = action.current !== undefined && "teamId" in action.current && action.current.teamId === team.id;
            return (
              <li key={team.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-team={team.name}>
                <div className="min-w-0">
                  <p className="font-semibold text-slate-900">
                    <Link href={`/teams/${team.id}`} className="underline decoration-slate-300 underline-offset-2 hover:decoration-slate-700">
                      {team.name}
                    </Link>{" "}
                    <span className="text-sm font-normal text-slate-600">[{team.tag}]</span>
                  </p>
                  <p className="text-sm text-slate-600">
                    Manager: {team.managerName ?? "none yet"} · {team.rosterSize}/{team.rosterMax} players ·{" "}
                    <span className={team.open ? "text-emerald-700" : "text-red-700"}>{team.open ? "Open" : "Full"}</span>
                  </p>
                </div>
                {team.requested ? (
                  <ActionButtonForm
                    action={formAction}
                    act={{ kind: "withdraw", teamId: team.id }}
                    run={action.run}
                    className={secondaryButtonClass}
                    disabled={action.pending}
                    busy={busy}
                    label={`Withdraw request to ${team.name}`}
                  >
                    Withdraw request
                  </ActionButtonForm>
                ) : (
                  <ActionButtonForm
                    action={formAction}
                    act={{ kind: "request", teamId: team.id }}
                    run={action.run}
                    className={secondaryButtonClass}
                    disabled={action.pending || !team.open}
                    busy={busy}
                    label={`Ask to join ${team.name}`}
                  >
                    Ask to join
                  </ActionButtonForm>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ActionStatus pending={action.pending} error={action.error} result={action.result} refusal={refusal} />
    </div>
  );
}
