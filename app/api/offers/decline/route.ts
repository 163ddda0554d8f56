import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { actionAnswer, readBody } from "@/lib/api/http";
import { declineOffer, getOfferContext } from "@/lib/offers";
import { offerAnswerSchema } from "@/lib/offers/input";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** The player turns a team's offer down: `{teamId}`. */
  POST: withSession(
    async ({ request, user }) => actionAnswer(await declineOffer(getOfferContext(), user, (await readBody(request, offerAnswerSchema)).teamId)),
    { rateLimit: "actions" },
  ),
});
