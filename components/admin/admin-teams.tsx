"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import type { TeamDetail } from "@/lib/teams/answer";
import { JoinRequests } from "../teams/join-requests";
import { TeamRoster } from "../teams/team-roster";
import { inputClass } from "../ui/field";
import { cardClass, sectionHeadingClass } from "../ui/styles";

/**
 * Every team with its roster and requests, searchable by team, tag or
 * player; an admin has the manager's actions on each. After an action the
 * server-rendered page is refreshed, so the lists, audit log and health agree.
 */
export function AdminTeams({ teams }: { teams: TeamDetail[] }) {
  const id = useId();
  const router = useRouter();
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const shown = teams.filter(
    (team) =>
      needle === "" ||
      team.name.toLowerCase().includes(needle) ||
      team.tag.toLowerCase().includes(needle) ||
      [...team.roster, ...team.requests].some((person) => person.name.toLowerCase().includes(needle) || (person.gamerTag ?? "").toLowerCase().includes(needle)),
  );
  const refresh = () => router.refresh();

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-search`} className="font-medium text-slate-900">
          Search teams and players
        </label>
        <input id={`${id}-search`} type="search" value={search} onChange={(event) => setSearch(event.target.value)} className={inputClass} />
      </div>
      {shown.length === 0 && <p className="text-sm text-slate-600">{teams.length === 0 ? "No teams yet." : "Nothing matches your search."}</p>}
      {shown.map((team) => (
        <section key={team.id} className={cardClass} aria-label={team.name}>
          <TeamRoster team={team} canManage viewerId={null} onChanged={refresh} />
          <h3 className={`mt-4 ${sectionHeadingClass}`}>Join requests</h3>
          <div className="mt-2">
            <JoinRequests team={team} onChanged={refresh} />
          </div>
        </section>
      ))}
    </div>
  );
}
