import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import type { ActionResult } from "@/lib/api/answer";
import { done, teamAudit } from "@/lib/teams/outcome";
import { createTeamStore } from "@/lib/teams/store";
import type { OfferContext } from "./context";
import { dropOffer } from "./drop-offer";

/**
 * The player turns an offer down. Only their own offers are theirs to
 * decline, so nobody else's can be touched; declining one that is not open
 * (or of a team since disbanded) changes nothing.
 */
export function declineOffer(context: OfferContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    const team = await createTeamStore(context.redis, context.keys).team(teamId);
    const dropped = await dropOffer(context, teamId, user.id, teamAudit(user, "team.offer-decline", { id: teamId, name: team?.name ?? null }, user.id, null));
    return dropped ? done(true, teamId, team ? `You declined ${team.name}'s offer.` : "Offer declined.") : done(false, teamId, "There is no open offer from this team.");
  });
}
