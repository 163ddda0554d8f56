"use server";

import "server-only";
import { headers } from "next/headers";
import { z } from "zod";
import { finishFormAction, runFormAction } from "@/lib/api/form-action";
import type { FormActionState } from "@/lib/api/form-state";
import { approveRequest, declineRequest, disbandTeam, getTeamContext, leaveTeam, removeMember, requestToJoin, transferManager, withdrawRequest } from "./index";
import { teamMemberTargetSchema, teamTargetSchema } from "./requests";

/**
 * What a team button posts (ask to join, withdraw, approve, decline,
 * remove or leave, make manager, disband): the action's kind and its
 * target, as hidden fields.
 */
const teamButtonSchema = z.discriminatedUnion("kind", [
  teamTargetSchema.extend({ kind: z.literal("request") }),
  teamTargetSchema.extend({ kind: z.literal("withdraw") }),
  teamMemberTargetSchema.extend({ kind: z.literal("approve") }),
  teamMemberTargetSchema.extend({ kind: z.literal("decline") }),
  teamMemberTargetSchema.extend({ kind: z.literal("remove") }),
  teamMemberTargetSchema.extend({ kind: z.literal("transfer") }),
  teamTargetSchema.extend({ kind: z.literal("disband") }),
]);

const teamButtonFields = ["kind", "teamId", "userId"] as const;

/**
 * The team buttons' server action: what a press does before the page's
 * scripts run, or without JavaScript. Each kind goes through the same
 * guard, schema and lib/ call as its JSON route (`/api/teams/requests`,
 * `.../approve`, `.../decline`, `/api/teams/members`, `/api/teams/manager`,
 * `/api/teams/disband`), so both answer with the same sentences; a success
 * goes on to the page the press came from (the dashboard or the admin
 * area), which says what happened. A move made here
 * carries no transfer-window override: that is the admin's dialog, which
 * needs scripts.
 */
export async function teamButtonAction(_previous: FormActionState, formData: FormData): Promise<FormActionState> {
  const outcome = await runFormAction({ headers: await headers(), formData }, { fields: teamButtonFields, schema: teamButtonSchema, rateLimit: "actions" }, (user, input) => {
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
      // As `DELETE /api/teams/members`: removing oneself is leaving.
      case "remove":
        return input.userId === user.id ? leaveTeam(context, user, input.teamId) : removeMember(context, user, input.teamId, input.userId);
      case "transfer":
        return transferManager(context, user, input.teamId, input.userId);
      case "disband":
        return disbandTeam(context, user, input.teamId);
    }
  });
  return finishFormAction(outcome);
}
