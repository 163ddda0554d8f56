import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { actionAnswer, readBody } from "@/lib/api/http";
import { acceptOffer, getOfferContext } from "@/lib/offers";
import { offerAnswerSchema } from "@/lib/offers/input";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** The player accepts a team's offer, which is their join: `{teamId}`. */
  POST: withSession(
    async ({ request, user }) => actionAnswer(await acceptOffer(getOfferContext(), user, (await readBody(request, offerAnswerSchema)).teamId)),
    { rateLimit: "actions" },
  ),
});
