import "server-only";
import { getEnv } from "@/lib/env";
import { getTeamContext } from "@/lib/teams";
import type { OfferContext } from "./context";

/*
 * Offers with consent: a team's manager offers a free agent from the pool a
 * place, and the player accepts (which is their join) or declines. One file
 * per use case, each taking the context first, as in lib/teams.
 */
export { acceptOffer } from "./accept-offer";
export { declineOffer } from "./decline-offer";
export { makeOffer } from "./make-offer";
export { myOffers } from "./my-offers";
export { teamOffers } from "./team-offers";
export { withdrawOffer } from "./withdraw-offer";

const hourMs = 3_600_000;

/* Module scope on purpose, as in lib/teams/index.ts: one instance per Next.js layer. */
let offerContext: OfferContext | undefined;

/** The app's team context with how long an offer stays open (`OFFER_TTL_HOURS`). */
export function getOfferContext(): OfferContext {
  offerContext ??= { ...getTeamContext(), offerTtlMs: getEnv().OFFER_TTL_HOURS * hourMs };
  return offerContext;
}
