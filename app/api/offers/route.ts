import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { actionAnswer, jsonAnswer, readBody } from "@/lib/api/http";
import { getOfferContext, makeOffer, myOffers, teamOffers, withdrawOffer } from "@/lib/offers";
import { offersQuerySchema, offerTargetSchema } from "@/lib/offers/input";
import { readQuery } from "@/lib/pool/query";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** The caller's own open offers; with `?teamId`, the open offers of a team they manage. */
  GET: withSession(
    async ({ request, user }) => {
      const { teamId } = readQuery(request, offersQuerySchema);
      return jsonAnswer(teamId === undefined ? await myOffers(getOfferContext(), user) : await teamOffers(getOfferContext(), user, teamId));
    },
    { rateLimit: "roles" },
  ),
  /** A manager offers a free agent a place: `{teamId, userId}`. */
  POST: withSession(
    async ({ request, user }) => {
      const { teamId, userId } = await readBody(request, offerTargetSchema);
      return actionAnswer(await makeOffer(getOfferContext(), user, teamId, userId));
    },
    { rateLimit: "actions" },
  ),
  /** The manager withdraws an offer: `{teamId, userId}`. */
  DELETE: withSession(
    async ({ request, user }) => {
      const { teamId, userId } = await readBody(request, offerTargetSchema);
      return actionAnswer(await withdrawOffer(getOfferContext(), user, teamId, userId));
    },
    { rateLimit: "actions" },
  ),
});
