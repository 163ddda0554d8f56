"use server";

import "server-only";
import { headers } from "next/headers";
import { z } from "zod";
import { finishFormAction, runFormAction } from "@/lib/api/form-action";
import type { FormActionState } from "@/lib/api/form-state";
import { getTeamContext } from "@/lib/teams";
import { setLooking } from "./index";

/** A checkbox posts "on" when ticked and nothing when not (read as empty). */
const lookingFormSchema = z.object({
  looking: z.enum(["on", ""], { error: "Say whether you are looking for a team." }).transform((value) => value === "on"),
});

/**
 * The "Looking for a team" switch's server action: what saving it does
 * before the page's scripts run, or without JavaScript, through the same
 * guard and lib/ call as `PUT /api/pool/me`; a success goes on to the
 * dashboard, which says what happened.
 */
export async function lookingAction(_previous: FormActionState, formData: FormData): Promise<FormActionState> {
  const outcome = await runFormAction({ headers: await headers(), formData }, { fields: ["looking"], schema: lookingFormSchema, rateLimit: "actions" }, (user, input) =>
    setLooking(getTeamContext(), user, input.looking),
  );
  return finishFormAction(outcome);
}
