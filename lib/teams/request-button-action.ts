"use server";

import "server-only";
import { headers } from "next/headers";
import { z } from "zod";
import { finishFormAction, runFormAction } from "@/lib/api/form-action";
import type { FormActionState } from "@/lib/api/form-state";
import { approveRequest, declineRequest, getTeamContext, requestToJoin, withdrawRequest } from "./index";
import { teamMemberTargetSchema, teamTargetSchema } from "./requests";

/**
 * What a join-request button posts (ask to join, withdraw, approve,
 * decline): the action's kind and its target, as hidden fields.
 */
const requestButtonSchema = z.discriminatedUnion("kind", [
  teamTargetSchema.extend({ kind: z.literal("request") }),
  teamTargetSchema.extend({ kind: z.literal("withdraw") }),
  teamMemberTargetSchema.extend({ kind: z.literal("approve") }),
  teamMemberTargetSchema.extend({ kind: z.literal("decline") }),
]);

const requestButtonFields = ["kind", "teamId", "userId"] as const;

/**
 * The join-request buttons' server action: what a press does before the
 * page's scripts run, or without JavaScript. Each kind goes through the
 * same guard, schema and lib/ call as its JSON route
 * (`/api/teams/requests`, `.../approve`, `.../decline`), so both answer
 * with the same sentences; a success goes on to the dashboard, which says
 * what happened. An approval made here carries no transfer-window
 * override: that is the admin's dialog, which needs scripts.
 */
export async function requestButtonAction(_previous: FormActionState, formData: FormData): Promise<FormActionState> {
  const outcome = await runFormAction({ headers: await headers(), formData }, { fields: requestButtonFields, schema: requestButtonSchema, rateLimit: "actions" }, (user, input) => {
    const context = getTeamContext();
    switch (input.kind) {
      case "request":
        return requestToJoin(context, user, input.teamId);
      case "withdraw":
        return withdrawRequest(context, user, input.teamId);
      case "approve":
        return approveRequest(context, user, input.teamId, input.userId);
      case "decline":
        return declineRequest(context, user, input.teamId, input.userId);
    }
  });
  return finishFormAction(outcome);
}
