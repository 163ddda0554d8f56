import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import type { TeamList, TeamSummary } from "./answer";
import type { TeamContext } from "./context";
import { teamPolicy } from "./policy";
import { allTeamRecords, people, person } from "./roster";
import { createTeamStore } from "./store";

/** Every team, for free agents browsing: name, tag, manager, roster size, open or full. */
export async function listTeams(context: TeamContext, user: SessionActor): Promise<TeamList> {
  const store = createTeamStore(context.redis, context.keys);
  const teams = await allTeamRecords(context);
  const sizes = await Promise.all(teams.map((team) => store.rosterSize(team.id)));
  const managerIds = teams.map((team) => team.managerId).filter((managerId): managerId is string => managerId !== null);
  const found = await people(context, managerIds);
  const requested = new Set(await store.requestedTeams(user.id));
  const summaries: TeamSummary[] = teams.map((team, index) => {
    const rosterSize = sizes[index] ?? 0;
    return {
      id: team.id,
      name: team.name,
      tag: team.tag,
      managerName: team.managerId === null ? null : person(team.managerId, found).name,
      rosterSize,
      rosterMax: context.rosterMax,
      open: rosterSize < context.rosterMax,
      requested: requested.has(team.id),
    };
  });
  summaries.sort((a, b) => a.name.localeCompare(b.name));
  return { teams: summaries, myRequests: summaries.filter((team) => team.requested).length, myRequestsMax: teamPolicy.pendingRequestsPerUserMax };
}
