import "server-only";
import { freshActor, freshRoles, grant, revoke, rolesAfter, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { subjects } from "@/lib/actions/locks";
import { runExclusive, runSaga } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import type { OverrideInput } from "@/lib/tournament/input";
import { requireRosterMove, transferCommitFor, withOverrideNote } from "@/lib/tournament/rules";
import type { TeamContext } from "./context";
import { done, teamAudit } from "./outcome";
import { knownRoles, requireKnownManage, requireManage, requireTeam } from "./rights";
import { createTeamStore, type TeamRecord } from "./store";

/**
 * Removing a player (manager or admin), or leaving (the player themself):
 * back to free agent. The manager can do neither before handing over
 * management. The transfer window, roster locks and the season's change
 * limit apply, unless a tournament admin overrides them with a reason.
 * Refusals count against the caller.
 */
export function removeMember(context: TeamContext, user: SessionActor, teamId: string, userId: string, override?: OverrideInput): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => remove(context, user, teamId, userId, override));
}

/** Nothing to do, or a refusal, by the records: null when the player may go. */
async function judge(context: TeamContext, teamId: string, team: TeamRecord, userId: string, leaving: boolean): Promise<ActionResult | null> {
  if ((await createTeamStore(context.redis, context.keys).teamOf(userId)) !== teamId) {
    return done(false, teamId, leaving ? "You are not on this team any more." : "This player is not on the team.");
  }
  if (team.managerId === userId) {
    const message = leaving ? "You manage this team: hand over management or disband it first." : "The manager cannot be removed: hand over management first.";
    throw new ApiError("is_manager", message);
  }
  return null;
}

async function remove(context: TeamContext, user: SessionActor, teamId: string, userId: string, override: OverrideInput | undefined): Promise<ActionResult> {
  const ids = context.roleIds;
  const known = await requireTeam(context, teamId);
  const leavingNow = userId === user.id;
  if (!leavingNow) await requireKnownManage(context, user, known);
  const unchanged = await judge(context, teamId, known, userId, leavingNow);
  if (unchanged) return unchanged;
  const knownAdmin = override !== undefined && (await knownRoles(context, user)).includes(ids.tournamentAdmin);
  await requireRosterMove(context, { teamId, kind: leavingNow ? "leave" : "remove", actor: { id: user.id, isAdmin: knownAdmin }, override });
  await admitDiscordAction(context, user.id);
  return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async (held) => {
    const actor = await freshActor(context, user);
    const team = await requireTeam(context, teamId);
    const leaving = userId === actor.id;
    if (!leaving) requireManage(context, actor, team);
    const settled = await judge(context, teamId, team, userId, leaving);
    if (settled) return settled;
    const move = { teamId, kind: leaving ? "leave" : "remove", actor, override } as const;
    await requireRosterMove(context, move);
    const targetRoles = leaving ? actor.roles : await freshRoles(context, userId);
    const steps = targetRoles === null ? [] : [...revoke(targetRoles, userId, teamId), ...revoke(targetRoles, userId, ids.player), ...grant(targetRoles, userId, ids.freeAgent)];
    await runSaga(context, held, {
      settlement: "undo",
      subjects: held.subjects,
      steps,
      commit: { kind: "leave", teamId, userId, ...(await transferCommitFor(context, move)) },
      audit: teamAudit(user, leaving ? "team.leave" : "team.remove", team, userId, withOverrideNote(null, move)),
    });
    if (targetRoles !== null) await context.roleCache.writeThrough(userId, rolesAfter(targetRoles, steps, userId, null));
    return done(true, teamId, leaving ? `You left ${team.name}.` : `The player was removed from ${team.name}.`);
  });
}
