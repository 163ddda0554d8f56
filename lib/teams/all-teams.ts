import "server-only";
import { teamsWithOpenJournals } from "@/lib/actions/saga";
import type { TeamDetail } from "./answer";
import type { TeamContext } from "./context";
import { allTeamRecords, teamDetail } from "./roster";

/** Every team with roster and requests, for the admin area. */
export async function allTeams(context: TeamContext): Promise<TeamDetail[]> {
  const pending = await teamsWithOpenJournals(context.redis, context.keys);
  const teams = await allTeamRecords(context);
  const details = await Promise.all(teams.map((team) => teamDetail(context, team, true, pending)));
  return details.sort((a, b) => a.name.localeCompare(b.name));
}
