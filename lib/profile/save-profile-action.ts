"use server";

import "server-only";
import { headers } from "next/headers";
import { finishFormAction, runFormAction } from "@/lib/api/form-action";
import type { FormActionState } from "@/lib/api/form-state";
import { saveMyProfile } from "./index";
import { profileSchema } from "./schema";

/**
 * The profile form's server action: what the form does when it is posted
 * before the page's scripts run, or without JavaScript. Saves through the
 * same call as `POST /api/profile`. The previous state comes from the
 * browser and is not trusted, nor needed.
 */
export async function saveProfileAction(_previous: FormActionState, formData: FormData): Promise<FormActionState> {
  const outcome = await runFormAction(
    { headers: await headers(), formData },
    { fields: profileSchema.keyof().options, schema: profileSchema, rateLimit: "actions" },
    (user, profile) => saveMyProfile(user, profile),
  );
  return finishFormAction(outcome);
}
