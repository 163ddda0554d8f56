import "server-only";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import { auditJson } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { teamMarkScript } from "@/lib/redis/scripts/team-mark";
import { freshActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { teamNameKey } from "@/lib/actions/keys";
import { actionPolicy } from "@/lib/actions/policy";
import { scriptRefusalCodes } from "@/lib/actions/refusals";
import type { TeamContext } from "./context";
import { followMarkedRole } from "./discord-sync/follow-marked-role";
import { createTeamStore } from "./store";
import { guildReadFailure, readGuildSnapshot, roleName, teamRoleRefusal } from "./team-role";

/** Who marks a role: a tournament admin, or the demo's seed speaking for one. */
export type Marker = { id: string; name: string };

/**
 * Makes a role created on Discord a team, after judging it fresh from
 * Discord: it must grant no permission, belong to no integration, be none of
 * the dashboard's own roles nor `@everyone`, and sit below the bot's highest
 * role. The team is recorded, and its holders join its roster, when they
 * next open their page, where the role is judged again. The
 * caller has checked the marker's rights (see `markTeamRoleAsAdmin`).
 */
export async function markTeamRole(context: TeamContext, marker: Marker, roleId: string): Promise<ActionResult> {
  const snapshot = await readGuildSnapshot(context, { fresh: true }).catch((error: unknown) => {
    throw guildReadFailure(error);
  });
  const refusal = teamRoleRefusal(context, snapshot, roleId);
  if (refusal !== null) throw new ApiError("not_a_team_role", refusal);
  const name = (roleName(snapshot, roleId) ?? roleId).slice(0, 100);
  const now = context.now();
  const entry = auditJson({ actorId: marker.id, actorName: marker.name, action: "team.mark", teamId: roleId, teamName: name, targetId: null, detail: "marked as a team" }, now);
  const keys = context.keys;
  const reply = await runScript(context.redis, teamMarkScript, {
    keys: { teamKey: keys.team(roleId), namesKey: keys.teamNames, disbandedKey: keys.disbandedRoles, markedKey: keys.markedTeamRoles, auditKey: keys.audit },
    args: { roleId, normalised: teamNameKey(name), markedBy: marker.id, entry, auditMax: actionPolicy.auditEntriesMax },
  });
  switch (reply) {
    case "marked": {
      context.log.info({ teamId: roleId, markedBy: marker.id }, "a Discord role was marked as a team");
      const followed = await followMarkedRole(context, roleId).catch((error: unknown) => {
        context.log.warn({ teamId: roleId, err: (error as Error).message }, "the marked role's holders were not put on its roster yet");
        return false;
      });
      const joining = followed ? "Everyone who holds its role is on its roster." : "Its members join the roster when they next open the dashboard.";
      return { ok: true, applied: true, teamId: roleId, message: `${name} is now a team. ${joining}` };
    }
    case "unchanged":
      return { ok: true, applied: false, teamId: roleId, message: `${name} is already a team.` };
    case "name-taken":
      throw new ApiError(scriptRefusalCodes["name-taken"], `A team named ${name} already exists. Rename the role on Discord first.`);
    default:
      throw new ApiError(scriptRefusalCodes.disbanded, `${name} was a team that has been disbanded; its role cannot become a team again.`);
  }
}

/**
 * The admin area's "mark as a team". Anyone whose cached roles show no admin
 * is answered at once, as if the route did not exist (as the admin page
 * answers them), without a Discord call; an admin's roles are then read
 * fresh through the bot before anything is judged. Refusals count against
 * the caller.
 */
export async function markTeamRoleAsAdmin(context: TeamContext, user: Marker, roleId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    const cached = await context.roleCache.cached(user.id);
    if (cached && !cached.roles.includes(context.roleIds.tournamentAdmin)) throw notFound();
    await admitDiscordAction(context, user.id);
    const actor = await freshActor(context, user);
    if (!actor.isAdmin) throw notFound();
    return markTeamRole(context, user, roleId);
  });
}

function notFound(): ApiError {
  return new ApiError("not_found", "There is nothing here.");
}

/** A role the admin area offers to mark: it passes every check and is not a team yet. */
export type TeamRoleCandidate = { id: string; name: string; marked: boolean };

/** Roles that may become teams, for the admin area (from the guild snapshot, at most a minute old). */
export async function teamRoleCandidates(context: TeamContext): Promise<TeamRoleCandidate[]> {
  const snapshot = await readGuildSnapshot(context, { fresh: false });
  const store = createTeamStore(context.redis, context.keys);
  const candidates: TeamRoleCandidate[] = [];
  for (const role of snapshot.roles) {
    if (teamRoleRefusal(context, snapshot, role.id) !== null || (await store.team(role.id)) !== null) continue;
    candidates.push({ id: role.id, name: role.name, marked: await store.isMarkedTeamRole(role.id) });
  }
  return candidates.sort((a, b) => a.name.localeCompare(b.name));
}
