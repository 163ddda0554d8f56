import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import type { ActionResult } from "@/lib/api/answer";
import { done, teamAudit } from "@/lib/teams/outcome";
import { requireKnownManage, requireTeam } from "@/lib/teams/rights";
import type { OfferContext } from "./context";
import { dropOffer } from "./drop-offer";

/** The team's manager (or a tournament admin) takes back an offer. Withdrawing one that is not open changes nothing. */
export function withdrawOffer(context: OfferContext, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    const team = await requireTeam(context, teamId);
    await requireKnownManage(context, user, team);
    const dropped = await dropOffer(context, teamId, userId, teamAudit(user, "team.offer-withdraw", team, userId, null));
    return dropped ? done(true, teamId, "Offer withdrawn.") : done(false, teamId, "There is no open offer to this player.");
  });
}
