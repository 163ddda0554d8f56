import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { createTeamStore, type TeamRecord } from "@/lib/teams/store";
import type { MyOffers } from "./answer";
import type { OfferContext } from "./context";
import { createOfferStore } from "./store";

/**
 * The player's open offers, for their dashboard. Offers of a player who is
 * on a roster, and of teams since disbanded, are void: they are dropped as
 * they are read.
 */
export async function myOffers(context: OfferContext, user: SessionActor): Promise<MyOffers> {
  const offers = createOfferStore(context.redis, context.keys);
  const teams = createTeamStore(context.redis, context.keys);
  const open = await offers.openFor(user.id, context.now());
  if (open.length === 0) return { offers: [] };
  if ((await teams.teamOf(user.id)) !== null) {
    await offers.forget(user.id, open.map((offer) => offer.teamId));
    return { offers: [] };
  }
  const records = await Promise.all(open.map((offer) => teams.team(offer.teamId)));
  const gone = open.filter((_, index) => records[index] === null).map((offer) => offer.teamId);
  await offers.forget(user.id, gone);
  return {
    offers: open.flatMap((offer, index) => {
      const team: TeamRecord | null | undefined = records[index];
      if (!team) return [];
      return [
        {
          teamId: team.id,
          teamName: team.name,
          teamTag: team.tag,
          offeredByName: offer.offeredByName,
          offeredAt: new Date(offer.at).toISOString(),
          expiresAt: new Date(offer.expiresAt).toISOString(),
        },
      ];
    }),
  };
}
