import Link from "next/link";
import { countryNames, type CountryCode } from "@/lib/profile/countries";
import { platformLabels, positionLabels, type Platform, type Position } from "@/lib/profile/schema";
import type { TeamHistoryEntry, TeamPage } from "@/lib/teams/answer";
import { Avatar } from "../ui/avatar";
import { ScrollBox } from "../ui/scroll-box";
import { backLinkClass, bodyTextClass, cardClass, headingClass, sectionHeadingClass } from "../ui/styles";

/** What each history entry says, about its player (or its actor, for a team's start). */
const moveWords: Record<string, string> = {
  "team.create": "started the team",
  "team.adopt": "team followed from Discord",
  "team.mark": "team role marked by an admin",
  "team.approve": "joined (request approved)",
  "team.offer-accept": "joined (accepted an offer)",
  "team.leave": "left",
  "team.remove": "removed",
  "team.transfer": "became manager",
};

function label<K extends string>(labels: Record<K, string>, value: string | null): string {
  return value !== null && Object.hasOwn(labels, value) ? labels[value as K] : "—";
}

function Move({ entry }: { entry: TeamHistoryEntry }) {
  const who = entry.action === "team.create" || entry.targetName === null ? entry.actorName : entry.targetName;
  const by = entry.action === "team.remove" || entry.action === "team.transfer" ? ` by ${entry.actorName}` : "";
  return (
    <li className="flex flex-wrap gap-x-3 py-2">
      <time dateTime={entry.at} className="text-sm whitespace-nowrap text-slate-600">
        {entry.at.replace("T", " ").slice(0, 16)} UTC
      </time>
      <span className="text-slate-900">
        <strong>{who}</strong> {moveWords[entry.action] ?? entry.action}
        {by}
        {entry.detail ? <span className="text-slate-600"> · {entry.detail}</span> : null}
      </span>
    </li>
  );
}

/** A team's public page: who is on it, with their profiles, and how it got there. */
export function TeamPageView({ team }: { team: TeamPage }) {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-4 p-4 sm:p-6" data-team-page={team.id}>
      <p>
        <Link href="/" className={backLinkClass}>
          ← Dashboard
        </Link>
      </p>
      <section aria-labelledby="team-heading" className={cardClass}>
        <h1 id="team-heading" className={headingClass}>
          {team.name} <span className="text-lg font-normal text-slate-600">[{team.tag}]</span>
        </h1>
        <p className={`mt-2 ${bodyTextClass}`}>
          Manager: {team.managerName ?? "none yet"} · {team.roster.length}/{team.rosterMax} players
        </p>
      </section>
      <section aria-labelledby="roster-heading" className={cardClass}>
        <h2 id="roster-heading" className={sectionHeadingClass}>
          Roster
        </h2>
        <ScrollBox label="Roster, scrolls sideways" className="mt-3">
          <table className="w-full text-left text-sm" aria-label="Roster">
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">Player</th>
                <th scope="col" className="py-1 pr-3 font-medium">Gamer tag</th>
                <th scope="col" className="py-1 pr-3 font-medium">Platform</th>
                <th scope="col" className="py-1 pr-3 font-medium">Position</th>
                <th scope="col" className="py-1 font-medium">Country</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 text-slate-900">
              {team.roster.map((entry) => (
                <tr key={entry.userId} data-member={entry.userId}>
                  <td className="py-2 pr-3">
                    <span className="flex items-center gap-2">
                      <Avatar src={entry.avatarUrl} size={24} />
                      <span>
                        {entry.name}
                        {entry.role === "manager" && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold">Manager</span>}
                      </span>
                    </span>
                  </td>
                  <td className="py-2 pr-3">{entry.gamerTag ?? "—"}</td>
                  <td className="py-2 pr-3">{label<Platform>(platformLabels, entry.platform)}</td>
                  <td className="py-2 pr-3">{label<Position>(positionLabels, entry.position)}</td>
                  <td className="py-2">{label<CountryCode>(countryNames, entry.country)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      </section>
      <section aria-labelledby="history-heading" className={cardClass}>
        <h2 id="history-heading" className={sectionHeadingClass}>
          Transfer history
        </h2>
        {team.history.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No moves recorded yet.</p>
        ) : (
          <ol className="mt-2 flex flex-col divide-y divide-slate-200" aria-label="Transfer history">
            {team.history.map((entry, index) => (
              <Move key={`${entry.at}-${index}`} entry={entry} />
            ))}
          </ol>
        )}
        {team.historyTruncated && <p className="mt-2 text-sm text-slate-600">Older moves are not shown.</p>}
      </section>
    </main>
  );
}
