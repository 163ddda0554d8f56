"use server";

import "server-only";
import { headers } from "next/headers";
import { finishFormAction, runFormAction } from "@/lib/api/form-action";
import type { FormActionState } from "@/lib/api/form-state";
import { createTeam, getTeamContext } from "./index";
import { createTeamSchema } from "./input";

/**
 * The "create a team" form's server action: what the form does when it is
 * posted before the page's scripts run, or without JavaScript. Creates the
 * team through the same call as `POST /api/teams`. The previous state comes
 * from the browser and is not trusted, nor needed.
 */
export async function createTeamAction(_previous: FormActionState, formData: FormData): Promise<FormActionState> {
  const outcome = await runFormAction(
    { headers: await headers(), formData },
    { fields: createTeamSchema.keyof().options, schema: createTeamSchema, rateLimit: "actions" },
    (user, input) => createTeam(getTeamContext(), user, input),
  );
  return finishFormAction(outcome);
}
