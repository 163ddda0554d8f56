import "server-only";
import { freshActor, rolesAfter, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { subjects } from "@/lib/actions/locks";
import { runExclusive, runSaga, type Step } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import type { TeamContext } from "./context";
import { done, teamAudit } from "./outcome";
import { requireKnownManage, requireManage } from "./rights";
import { createTeamStore, type TeamRecord } from "./store";
import { forgetGuildSnapshot, requireSafeTeamRole } from "./team-role";

/**
 * Deletes the team's Discord role and makes every member a free agent.
 * A deleted role cannot be restored, so a disband that fails half-way is
 * finished by the next attempt rather than undone. Refusals count against
 * the caller.
 */
export function disbandTeam(context: TeamContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => disband(context, user, teamId));
}

/** The team, or the answer when there is none: already disbanded, or never was. */
async function teamOrAnswer(context: TeamContext, teamId: string): Promise<TeamRecord | ActionResult> {
  const store = createTeamStore(context.redis, context.keys);
  const team = await store.team(teamId);
  if (team) return team;
  if (await store.wasDisbanded(teamId)) return done(false, null, "This team is already disbanded.");
  throw new ApiError("team_not_found", "This team does not exist.");
}

async function disband(context: TeamContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  const ids = context.roleIds;
  const known = await teamOrAnswer(context, teamId);
  if ("ok" in known) return known;
  await requireKnownManage(context, user, known);
  // Nor does the bot delete a role made on Discord that has become more than a team's since it was marked.
  if (known.adopted) await requireSafeTeamRole(context, teamId);
  await admitDiscordAction(context, user.id);
  return runExclusive(context, [subjects.team(teamId)], async (held) => {
    const actor = await freshActor(context, user);
    const team = await teamOrAnswer(context, teamId);
    if ("ok" in team) return team;
    requireManage(context, actor, team);
    const members = await createTeamStore(context.redis, context.keys).members(teamId);
    const steps: Step[] = members.flatMap(({ userId }): Step[] => [
      ...(userId === team.managerId ? [{ kind: "remove-role" as const, userId, roleId: ids.teamManager }] : []),
      { kind: "remove-role", userId, roleId: ids.player },
      { kind: "add-role", userId, roleId: ids.freeAgent },
    ]);
    steps.push({ kind: "delete-role", roleId: teamId });
    await runSaga(context, held, {
      settlement: "finish",
      subjects: held.subjects,
      steps,
      commit: { kind: "disband", teamId },
      audit: teamAudit(user, "team.disband", team, null, `${members.length} members back to free agent`),
    });
    await patchCachedRoles(
      context,
      members.map((member) => member.userId),
      steps,
      teamId,
    );
    await forgetGuildSnapshot(context);
    return done(true, null, `${team.name} is disbanded; its members are free agents again.`);
  });
}

/** Users the action did not read fresh: their cached roles are patched, if they have any. */
async function patchCachedRoles(context: TeamContext, userIds: readonly string[], steps: readonly Step[], droppedRoleId: string | null): Promise<void> {
  for (const userId of userIds) {
    const cached = await context.roleCache.cached(userId);
    if (!cached) continue;
    const before = droppedRoleId === null ? cached.roles : cached.roles.filter((roleId) => roleId !== droppedRoleId);
    await context.roleCache.writeThrough(userId, rolesAfter(before, steps, userId, null));
  }
}
