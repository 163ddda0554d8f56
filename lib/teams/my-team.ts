import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { teamsWithOpenJournals } from "@/lib/actions/saga";
import { adoptTeamFromRoles } from "./adopt";
import type { MyTeam } from "./answer";
import type { TeamContext } from "./context";
import { teamDetail } from "./roster";
import { createTeamStore } from "./store";

/**
 * The user's team as their page shows it. Reads the role cache only (no
 * Discord call); a team role Redis does not know yet is adopted here.
 */
export async function myTeam(context: TeamContext, user: SessionActor): Promise<MyTeam> {
  const ids = context.roleIds;
  const store = createTeamStore(context.redis, context.keys);
  const roles = (await context.roleCache.cached(user.id))?.roles ?? [];
  let teamId = await store.teamOf(user.id);
  if (teamId === null && (roles.includes(ids.player) || roles.includes(ids.teamManager))) teamId = await adoptTeamFromRoles(context, user, roles);
  const team = teamId === null ? null : await store.team(teamId);
  if (!team) return { viewerId: user.id, team: null, canManage: false };
  const canManage = roles.includes(ids.tournamentAdmin) || team.managerId === user.id;
  return { viewerId: user.id, team: await teamDetail(context, team, canManage, await teamsWithOpenJournals(context.redis, context.keys)), canManage };
}
