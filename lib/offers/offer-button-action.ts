"use server";

import "server-only";
import { headers } from "next/headers";
import { z } from "zod";
import { finishFormAction, runFormAction } from "@/lib/api/form-action";
import type { FormActionState } from "@/lib/api/form-state";
import { acceptOffer, declineOffer, getOfferContext, withdrawOffer } from "./index";
import { offerAnswerSchema, offerTargetSchema } from "./input";

/** What an offer button posts (accept, decline, withdraw): the kind and its target, as hidden fields. */
const offerButtonSchema = z.discriminatedUnion("kind", [
  offerAnswerSchema.extend({ kind: z.literal("accept-offer") }),
  offerAnswerSchema.extend({ kind: z.literal("decline-offer") }),
  offerTargetSchema.extend({ kind: z.literal("withdraw-offer") }),
]);

const offerButtonFields = ["kind", "teamId", "userId"] as const;

/**
 * The offer buttons' server action: what a press does before the page's
 * scripts run, or without JavaScript, through the same guard, schema and
 * lib/ call as `/api/offers/accept`, `/api/offers/decline` and
 * `DELETE /api/offers`; a success goes on to the dashboard, which says
 * what happened.
 */
export async function offerButtonAction(_previous: FormActionState, formData: FormData): Promise<FormActionState> {
  const outcome = await runFormAction({ headers: await headers(), formData }, { fields: offerButtonFields, schema: offerButtonSchema, rateLimit: "actions" }, (user, input) => {
    const context = getOfferContext();
    switch (input.kind) {
      case "accept-offer":
        return acceptOffer(context, user, input.teamId);
      case "decline-offer":
        return declineOffer(context, user, input.teamId);
      case "withdraw-offer":
        return withdrawOffer(context, user, input.teamId, input.userId);
    }
  });
  return finishFormAction(outcome);
}
