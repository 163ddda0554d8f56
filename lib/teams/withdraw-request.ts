import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import type { ActionResult } from "@/lib/api/answer";
import type { TeamContext } from "./context";
import { dropRequest } from "./drop-request";
import { done, teamAudit } from "./outcome";
import { createTeamStore } from "./store";

/** Withdrawing one's own request depends on no role, so it spends no Discord call. Refusals count against the caller. */
export function withdrawRequest(context: TeamContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    const team = await createTeamStore(context.redis, context.keys).team(teamId);
    const dropped = await dropRequest(context, teamId, user.id, teamAudit(user, "team.withdraw", { id: teamId, name: team?.name ?? null }, user.id, null));
    return dropped ? done(true, teamId, "Request withdrawn.") : done(false, teamId, "You have no pending request to this team.");
  });
}
