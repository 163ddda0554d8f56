import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { person, people } from "@/lib/teams/roster";
import { requireKnownManage, requireTeam } from "@/lib/teams/rights";
import type { TeamOffers } from "./answer";
import type { OfferContext } from "./context";
import { createOfferStore } from "./store";

/**
 * A team's open offers, for its manager and tournament admins. An offer to a
 * player who has joined a team since is void and left out (the join's commit
 * drops it; this covers a team made on Discord and followed here).
 */
export async function teamOffers(context: OfferContext, user: SessionActor, teamId: string): Promise<TeamOffers> {
  await requireKnownManage(context, user, await requireTeam(context, teamId));
  const open = await createOfferStore(context.redis, context.keys).openOfTeam(teamId, context.now());
  if (open.length === 0) return { teamId, offers: [] };
  const inTeam = await context.redis.hmget(context.keys.userTeam, ...open.map((offer) => offer.userId));
  const still = open.filter((_, index) => inTeam[index] === null);
  const found = await people(context, still.map((offer) => offer.userId));
  return {
    teamId,
    offers: still.map((offer) => {
      const { name, avatarUrl, gamerTag } = person(offer.userId, found);
      return { userId: offer.userId, name, avatarUrl, gamerTag, expiresAt: new Date(offer.expiresAt).toISOString() };
    }),
  };
}
