import "server-only";
import { subjects, withSubjects } from "@/lib/actions/locks";
import { createTeamStore } from "../store";
import { applyTeamSteps, discordEntry } from "./apply";
import type { FollowContext } from "./context";
import { creation, teamRoles } from "./facts";
import { allMirroredRoles, mirroredGuild } from "./mirror-view";
import { disbandFollowed, managerSteps, syncMember } from "./sync-member";

/**
 * After a resync, when the mirror holds every member as Discord listed
 * them: repairs any drift between the records and the guild. Teams whose
 * role vanished are disbanded, marked roles nobody holds become (empty)
 * teams, every holder of a team role and everyone the records put on a
 * roster is followed as one member change, and every team's manager is
 * judged again. Each team is changed under its lock, as by a member change.
 */
export async function reconcileAll(context: FollowContext): Promise<void> {
  const guild = await mirroredGuild(context);
  // A mirror without roles has not seen the guild yet: judging by it would disband every team.
  if (guild.roles.length === 0) return;
  const store = createTeamStore(context.redis, context.keys);
  const [teamIds, markedIds, members, onRosters] = await Promise.all([
    store.teamIds(),
    context.redis.hkeys(context.keys.markedTeamRoles),
    allMirroredRoles(context),
    context.redis.hkeys(context.keys.userTeam),
  ]);
  const known = await teamRoles(context, guild, [...teamIds, ...markedIds]);
  for (const team of known.values()) if (team.recorded && !team.onDiscord) await followDeletedRole(context, team.id);
  const users = new Set(onRosters);
  for (const [userId, roles] of members) if (roles.some((roleId) => known.has(roleId))) users.add(userId);
  for (const userId of users) await syncMember(context, userId);
  for (const team of known.values()) if (team.onDiscord) await followTeamRole(context, team.id);
  context.log.info({ teams: known.size, members: users.size }, "teams reconciled with Discord after a resync");
}

/** A role deleted on Discord: its team, if it was one, is disbanded. */
export async function followDeletedRole(context: FollowContext, roleId: string): Promise<void> {
  await withSubjects(context.redis, context.keys, [subjects.team(roleId)], async (held) => {
    const team = (await teamRoles(context, await mirroredGuild(context), [roleId])).get(roleId);
    if (team?.recorded && !team.onDiscord) await disbandFollowed(context, held, team);
  });
}

/**
 * One team role as a whole: a marked role becomes a team even before
 * anyone holds it, and the team's manager is judged again. Holders are
 * followed member by member (syncMember).
 */
export async function followTeamRole(context: FollowContext, roleId: string): Promise<void> {
  await withSubjects(context.redis, context.keys, [subjects.team(roleId)], async (held) => {
    const team = (await teamRoles(context, await mirroredGuild(context), [roleId])).get(roleId);
    if (!team?.onDiscord) return;
    if (!team.recorded) {
      if (!team.open) return;
      const entry = discordEntry(context, "team.adopt", { id: team.id, name: team.name }, null, "a marked team role became a team");
      await applyTeamSteps(context, held, team.id, [{ op: "create", ...creation(team), entry }]);
      return;
    }
    await applyTeamSteps(context, held, team.id, await managerSteps(context, team, await createTeamStore(context.redis, context.keys).members(team.id)));
  });
}
