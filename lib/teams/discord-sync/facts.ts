import "server-only";
import { teamNameKey } from "@/lib/actions/keys";
import { tagFromName } from "../adopt";
import { isConfiguredRole } from "../context";
import { createTeamStore, type TeamRecord } from "../store";
import { teamRoleRefusal, type GuildSnapshot } from "../team-role";
import type { FollowContext } from "./context";
import type { TeamRoleFacts } from "./plan";

/** A team role with what the follow-up needs to act on it: its record (null until a marked role becomes a team) and its name. */
export type TeamRole = TeamRoleFacts & { record: TeamRecord | null; name: string };

/**
 * How the follow-up sees each of `roleIds` that is a team's (recorded, or
 * marked by an admin and never disbanded); other roles are left out. A
 * role may take holders only while it passes the team-role checks, judged
 * on the mirror's copy of the guild's roles: a role that grants anything
 * is never a team's (team-role.ts).
 */
export async function teamRoles(context: FollowContext, guild: GuildSnapshot, roleIds: Iterable<string>): Promise<Map<string, TeamRole>> {
  const store = createTeamStore(context.redis, context.keys);
  const found = new Map<string, TeamRole>();
  for (const roleId of new Set(roleIds)) {
    if (isConfiguredRole(context, roleId)) continue;
    const record = await store.team(roleId);
    if (!record && !((await store.isMarkedTeamRole(roleId)) && !(await store.wasDisbanded(roleId)))) continue;
    const role = guild.roles.find((entry) => entry.id === roleId);
    const refusal = role ? teamRoleRefusal(context, guild, roleId) : "gone";
    if (role && refusal !== null) context.log.warn({ roleId, refusal }, "a team role no longer passes the team-role checks; its holders are not followed onto the roster");
    found.set(roleId, {
      id: roleId,
      recorded: record !== null,
      createdAt: record?.createdAt ?? Number.MAX_SAFE_INTEGER,
      onDiscord: role !== undefined,
      open: refusal === null,
      record,
      name: (record?.name ?? role?.name ?? roleId).slice(0, 100),
    });
  }
  return found;
}

/** The fields a marked role's team is recorded with, as adoption names it. */
export function creation(team: TeamRole): { name: string; normalised: string; tag: string } {
  return { name: team.name, normalised: teamNameKey(team.name), tag: tagFromName(team.name) };
}
