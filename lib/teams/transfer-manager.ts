import "server-only";
import { freshActor, freshRoles, grant, revoke, rolesAfter, type Actor, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { subjects, type HeldSubjects } from "@/lib/actions/locks";
import { runExclusive, runSaga, type Step } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import type { TeamContext } from "./context";
import { done, teamAudit } from "./outcome";
import { requireKnownManage, requireManage, requireTeam } from "./rights";
import { createTeamStore } from "./store";

/**
 * Hands the team's management to a player on its roster; the old manager
 * becomes a player. Refusals count against the caller.
 */
export function transferManager(context: TeamContext, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => transfer(context, user, teamId, userId));
}

async function requireMember(context: TeamContext, teamId: string, userId: string): Promise<void> {
  if ((await createTeamStore(context.redis, context.keys).teamOf(userId)) !== teamId) throw new ApiError("not_member", "Only a player on the team can become its manager.");
}

async function transfer(context: TeamContext, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  const known = await requireTeam(context, teamId);
  await requireKnownManage(context, user, known);
  if (known.managerId === userId) return done(false, teamId, "This player already manages the team.");
  await requireMember(context, teamId, userId);
  await admitDiscordAction(context, user.id);
  return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async (held) => {
    const actor = await freshActor(context, user);
    return transferHolding(context, held, actor, user, teamId, userId);
  });
}

/** The handover under the team's and the new manager's locks, judged again from fresh roles. */
async function transferHolding(context: TeamContext, held: HeldSubjects, actor: Actor, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  const ids = context.roleIds;
  const team = await requireTeam(context, teamId);
  requireManage(context, actor, team);
  if (team.managerId === userId) return done(false, teamId, "This player already manages the team.");
  await requireMember(context, teamId, userId);
  const newRoles = userId === actor.id ? actor.roles : await freshRoles(context, userId);
  if (newRoles === null) throw new ApiError("player_left_server", "This player has left the Discord server.");
  const oldId = team.managerId;
  const oldRoles = oldId === null ? null : oldId === actor.id ? actor.roles : await freshRoles(context, oldId);
  const steps: Step[] = [...grant(newRoles, userId, ids.teamManager), ...revoke(newRoles, userId, ids.player)];
  if (oldId !== null && oldRoles !== null) steps.push(...revoke(oldRoles, oldId, ids.teamManager), ...grant(oldRoles, oldId, ids.player));
  await runSaga(context, held, {
    settlement: "undo",
    subjects: held.subjects,
    steps,
    commit: { kind: "transfer", teamId, fromUserId: oldId ?? "", toUserId: userId },
    audit: teamAudit(user, "team.transfer", team, userId, oldId === null ? null : `from ${oldId}`),
  });
  await context.roleCache.writeThrough(userId, rolesAfter(newRoles, steps, userId, null));
  if (oldId !== null && oldRoles !== null) await context.roleCache.writeThrough(oldId, rolesAfter(oldRoles, steps, oldId, null));
  return done(true, teamId, "Management handed over.");
}
