import "server-only";
import { freshActor, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { subjects } from "@/lib/actions/locks";
import { runExclusive } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import type { TeamContext } from "./context";
import { dropRequest } from "./drop-request";
import { done, teamAudit } from "./outcome";
import { manages, requireKnownManage, requireManage, requireTeam } from "./rights";
import { createTeamStore } from "./store";

/**
 * Declines a player's request. Under the same locks as an approval, so an
 * approve and a decline of one request cannot interleave. Refusals count
 * against the caller.
 */
export function declineRequest(context: TeamContext, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => decline(context, user, teamId, userId));
}

async function decline(context: TeamContext, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  await requireKnownManage(context, user, await requireTeam(context, teamId));
  if (!(await createTeamStore(context.redis, context.keys).hasRequest(teamId, userId))) return done(false, teamId, "There is no pending request from this player.");
  await admitDiscordAction(context, user.id);
  return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async () => {
    const actor = await freshActor(context, user);
    const team = await requireTeam(context, teamId);
    requireManage(context, actor, team);
    const detailNote = actor.isAdmin && !manages(context, actor, team) ? "by a tournament admin" : null;
    const dropped = await dropRequest(context, teamId, userId, teamAudit(user, "team.decline", team, userId, detailNote));
    return dropped ? done(true, teamId, "Request declined.") : done(false, teamId, "There is no pending request from this player.");
  });
}
