import "server-only";
import { auditJson } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { teamAdoptScript } from "@/lib/redis/scripts/team-adopt";
import { isConfiguredRole, type TeamContext } from "./context";
import { GuildRejectedError, GuildUnavailableError } from "@/lib/actions/guild-port";
import { teamNameKey } from "@/lib/actions/keys";
import { subjects } from "@/lib/actions/locks";
import { actionPolicy } from "@/lib/actions/policy";
import { createTeamStore } from "./store";
import { readGuildSnapshot, roleName, teamRoleRefusal } from "./team-role";

/** "Lagos Lions" -> "LL"; a one-word name gives its first letters. */
export function tagFromName(name: string): string {
  const letters = name.replace(/[^A-Za-z ]/g, "").trim();
  const initials = letters
    .split(/\s+/)
    .map((word) => word.charAt(0))
    .join("")
    .toUpperCase();
  const tag = initials.length >= 2 ? initials : letters.replace(/\s+/g, "").toUpperCase();
  return tag.length >= 2 ? tag.slice(0, 5) : "TM";
}

/**
 * The name a marked role's team takes, if the role still passes the
 * team-role checks (it may have gained a permission on Discord since it was
 * marked). Null: refused, or Discord could not be asked now.
 */
async function safeRoleName(context: TeamContext, roleId: string): Promise<string | null> {
  try {
    const snapshot = await readGuildSnapshot(context, { fresh: false });
    const refusal = teamRoleRefusal(context, snapshot, roleId);
    if (refusal === null) return roleName(snapshot, roleId);
    context.log.warn({ roleId, refusal }, "not adopting holders of a marked team role that no longer passes the checks");
    return null;
  } catch (error) {
    if (error instanceof GuildUnavailableError || error instanceof GuildRejectedError) return null;
    throw error;
  }
}

/**
 * Puts a holder of a team's role on its roster when Redis does not list
 * them yet: a team made on Discord whose role a tournament admin marked (the
 * fixture's "Lagos Lions"), recorded the first time a holder shows up, or a
 * role someone gave on Discord by hand. Only roles that are teams, or marked
 * as such, count: any other role a member holds (a moderator's, say) is
 * never made a team. A team made on Discord is judged again each time (no
 * permission, below the bot, ...). A role an action is handing out right now
 * is left to that action. Returns the team id, or null when nothing could be
 * adopted now.
 */
export async function adoptTeamFromRoles(context: TeamContext, user: { id: string; name: string }, roles: readonly string[]): Promise<string | null> {
  const store = createTeamStore(context.redis, context.keys);
  const isManager = roles.includes(context.roleIds.teamManager);
  for (const roleId of roles) {
    if (isConfiguredRole(context, roleId)) continue;
    const team = await store.team(roleId);
    if (!team && !(await store.isMarkedTeamRole(roleId))) continue;
    const name = team && !team.adopted ? team.name : await safeRoleName(context, roleId);
    if (name === null) continue;
    const teamName = (team?.name ?? name).slice(0, 100);
    const now = context.now();
    const entry = auditJson(
      { actorId: user.id, actorName: user.name, action: "team.adopt", teamId: roleId, teamName, targetId: user.id, detail: isManager ? "as manager" : "as player" },
      now,
    );
    const keys = context.keys;
    const reply = await runScript(context.redis, teamAdoptScript, {
      keys: {
        teamKey: keys.team(roleId),
        membersKey: keys.members(roleId),
        indexKey: keys.teamIndex,
        namesKey: keys.teamNames,
        userTeamKey: keys.userTeam,
        userRequestsKey: keys.userRequests,
        disbandedKey: keys.disbandedRoles,
        markedKey: keys.markedTeamRoles,
        auditKey: keys.audit,
        teamLockKey: keys.lock(subjects.team(roleId)),
        userLockKey: keys.lock(subjects.user(user.id)),
      },
      args: {
        teamId: roleId,
        name: teamName,
        normalised: teamNameKey(teamName),
        tag: tagFromName(teamName),
        userId: user.id,
        asManager: isManager ? "1" : "0",
        now,
        entry,
        auditMax: actionPolicy.auditEntriesMax,
      },
    });
    if (reply === "adopted" || reply === "unchanged") {
      await store.rememberName(user.id, user.name);
      context.log.info({ teamId: roleId, userId: user.id, reply }, "a team role's holder joined its roster");
      return roleId;
    }
  }
  return null;
}
