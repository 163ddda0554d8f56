"use client";

import { useActionState } from "react";
import { noFormActionState, type FormActionState } from "@/lib/api/form-state";

/**
 * The no-script path of a list of action buttons: the server action their
 * forms post to, and the refusal's sentence it answered (null until one).
 * Only a press made before the scripts run, or without JavaScript, changes
 * it; with scripts the buttons call the JSON API and report through their
 * own mutation.
 */
export function useButtonFallback(action: (previous: FormActionState, formData: FormData) => Promise<FormActionState>): [refusal: string | null, formAction: (formData: FormData) => void] {
  const [state, formAction] = useActionState(action, noFormActionState);
  return [state.message, formAction];
}
