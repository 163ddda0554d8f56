"use client";

import { useActionState, useId, useState } from "react";
import type { FormEvent } from "react";
import { fieldErrorsOf } from "@/lib/api/field-errors";
import { formSummaryOf, noFormActionState } from "@/lib/api/form-state";
import { createTeamAction } from "@/lib/teams/create-team-action";
import { createTeamSchema, teamNameLength, teamTagLength } from "@/lib/teams/input";
import { Field, inputClass } from "../ui/field";
import { primaryButtonClass } from "../ui/styles";
import { TeamApiError } from "./teams-client";
import { useTeamAction } from "./use-team-action";

type Errors = { name?: string; tag?: string };

/**
 * Team name and tag, checked in the browser with the server's own schema;
 * the server checks again. Before the page's scripts run, or without
 * JavaScript, the browser posts the form to its server action instead,
 * which creates the team through the same lib/ call as the API: a refusal
 * renders this form again with what was typed and the messages, a new team
 * goes on to the dashboard's manager view.
 */
export function CreateTeamForm({ onCreated }: { onCreated: () => unknown }) {
  const id = useId();
  // Only a post made without scripts changes this state; the scripted path keeps its own, starting from it.
  const [refusal, formAction] = useActionState(createTeamAction, noFormActionState);
  const [errors, setErrors] = useState<Errors>({ name: refusal.fieldErrors.name, tag: refusal.fieldErrors.tag });
  const action = useTeamAction(onCreated);
  const scriptedMessage = action.error && !(action.error instanceof TeamApiError && Object.keys(action.error.fieldErrors).length > 0) ? action.error.message : null;
  const scriptedRan = action.pending || action.error !== null || action.result !== undefined;
  const serverMessage = scriptedRan ? scriptedMessage : formSummaryOf(refusal);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (action.pending) return;
    const form = event.currentTarget;
    const parsed = createTeamSchema.safeParse(Object.fromEntries(new FormData(form)));
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      setErrors({ name: fieldErrors.name, tag: fieldErrors.tag });
      focusFirst(form, fieldErrors);
      return;
    }
    setErrors({});
    try {
      await action.runAsync({ kind: "create", ...parsed.data });
    } catch (error) {
      if (error instanceof TeamApiError) {
        setErrors({ name: error.fieldErrors.name, tag: error.fieldErrors.tag });
        focusFirst(form, error.fieldErrors);
      }
    }
  }

  return (
    <form action={formAction} noValidate onSubmit={submit} className="flex flex-col gap-4" aria-label="Create a team">
      <Field id={`${id}-name`} name="name" label="Team name" hint={`${teamNameLength.min} to ${teamNameLength.max} characters; must not look like another team's name.`} error={errors.name}>
        {(control) => <input {...control} type="text" required defaultValue={refusal.values.name} autoComplete="off" maxLength={teamNameLength.max * 2} className={inputClass} />}
      </Field>
      <Field id={`${id}-tag`} name="tag" label="Short tag" hint={`${teamTagLength.min} to ${teamTagLength.max} letters, e.g. LL; must not look like another team's tag.`} error={errors.tag}>
        {(control) => (
          <input {...control} type="text" required defaultValue={refusal.values.tag} autoComplete="off" autoCapitalize="characters" maxLength={10} className={`${inputClass} uppercase`} />
        )}
      </Field>
      {serverMessage && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-800 ring-1 ring-red-200">
          {serverMessage}
        </p>
      )}
      <button type="submit" disabled={action.pending} aria-busy={action.pending} className={primaryButtonClass}>
        {action.pending ? "Creating…" : "Create team"}
      </button>
    </form>
  );
}

function focusFirst(form: HTMLFormElement, errors: Record<string, string | undefined>) {
  const first = (["name", "tag"] as const).find((field) => errors[field] !== undefined);
  const control = first ? form.elements.namedItem(first) : null;
  if (control instanceof HTMLElement) control.focus();
}
