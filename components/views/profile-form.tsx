"use client";

import { useActionState, useId, useState } from "react";
import type { FormEvent } from "react";
import { flushSync } from "react-dom";
import { formSummaryOf, noFormActionState, type FormActionState } from "@/lib/api/form-state";
import { countryCodes, countryNames } from "@/lib/profile/countries";
import { saveProfileAction } from "@/lib/profile/save-profile-action";
import { eaFcIdLength, gamerTagLength, platformLabels, platforms, positionLabels, positions, profileFieldErrors, profileSchema } from "@/lib/profile/schema";
import type { ProfileField, ProfileFieldErrors, ProfileInput, ProfileSaveResult } from "@/lib/profile/schema";
import { Field, inputClass } from "../ui/field";
import { bodyTextClass, cardClass, headingClass, primaryButtonClass } from "../ui/styles";

export type ProfileFormProps = {
  /** Saves a profile that already passed `profileSchema` in the browser; the server checks it again. */
  onSubmit: (values: ProfileInput) => Promise<ProfileSaveResult>;
  initial?: Partial<ProfileInput>;
};

// Form order, so focus goes to the first field that needs attention.
const fieldOrder: readonly ProfileField[] = ["gamerTag", "platform", "eaFcId", "country", "position"];

type FormState = { status: "idle" | "saving" | "saved"; fieldErrors: ProfileFieldErrors; message: string | null };

/** A refusal of the form posted without scripts, as this form shows it. */
function stateOfRefusal(refusal: FormActionState): FormState {
  const fieldErrors: ProfileFieldErrors = {};
  for (const field of fieldOrder) if (refusal.fieldErrors[field] !== undefined) fieldErrors[field] = refusal.fieldErrors[field];
  return { status: "idle", fieldErrors, message: formSummaryOf({ fieldErrors, message: refusal.message }) };
}

/**
 * With scripts, a submit is checked here and saved through `onSubmit` (the
 * JSON API). Before the scripts run, or without JavaScript, the browser
 * posts the form to its server action instead, which saves through the same
 * lib/ call; a refusal renders this form again with what was typed and the
 * messages, a save goes on to the dashboard.
 */
export function ProfileForm({ onSubmit, initial = {} }: ProfileFormProps) {
  const id = useId();
  // Only a post made without scripts changes this state; the scripted path keeps its own below, starting from it.
  const [refusal, formAction] = useActionState(saveProfileAction, noFormActionState);
  const typed: Partial<Record<ProfileField, string>> = { ...initial, ...refusal.values };
  const [state, setState] = useState<FormState>(() => stateOfRefusal(refusal));
  const saving = state.status === "saving";
  const errors = state.fieldErrors;

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saving) return;
    const form = event.currentTarget;
    const parsed = profileSchema.safeParse(Object.fromEntries(new FormData(form)));
    if (!parsed.success) {
      showErrors(form, profileFieldErrors(parsed.error), null);
      return;
    }
    setState({ status: "saving", fieldErrors: {}, message: null });
    const result = await save(onSubmit, parsed.data);
    if (result.ok) setState({ status: "saved", fieldErrors: {}, message: null });
    else showErrors(form, result.fieldErrors ?? {}, result.message ?? null);
  }

  function showErrors(form: HTMLFormElement, fieldErrors: ProfileFieldErrors, message: string | null) {
    // Rendered before focusing, so the focused field already announces its error.
    // A message already shown beside its field (a taken gamer tag, say) is not repeated above the form.
    const shownBesideField = message !== null && Object.values(fieldErrors).includes(message);
    const summary = shownBesideField ? null : (message ?? (Object.keys(fieldErrors).length > 0 ? null : saveFailedMessage));
    flushSync(() => setState({ status: "idle", fieldErrors, message: summary }));
    const first = fieldOrder.find((field) => fieldErrors[field] !== undefined);
    const control = first ? form.elements.namedItem(first) : null;
    if (control instanceof HTMLElement) control.focus();
  }

  // Editing a field clears its error: the message described the old value.
  function clearErrorOf(event: FormEvent<HTMLFormElement>) {
    const target = event.target;
    if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
    const field = fieldOrder.find((name) => name === target.name);
    if (field === undefined || errors[field] === undefined) return;
    setState((current) => ({ ...current, fieldErrors: { ...current.fieldErrors, [field]: undefined } }));
  }

  return (
    <section data-view="profile-form" aria-labelledby={`${id}-heading`} className={cardClass}>
      <h1 id={`${id}-heading`} className={headingClass}>
        Complete your player profile
      </h1>
      <p className={`mt-2 ${bodyTextClass}`}>Tell us who you are in the game. Tournament admins use this to set up matches.</p>

      {state.message && (
        <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-800 ring-1 ring-red-200">
          {state.message}
        </p>
      )}

      <form action={formAction} noValidate onSubmit={handleSubmit} onChange={clearErrorOf} className="mt-5 grid gap-5 sm:grid-cols-2">
        <Field id={`${id}-gamerTag`} name="gamerTag" label="Gamer tag" hint={`${gamerTagLength.min} to ${gamerTagLength.max} characters: letters, digits, _ - . Must not look like another player's.`} error={errors.gamerTag}>
          {(control) => (
            <input {...control} type="text" required defaultValue={typed.gamerTag} autoComplete="nickname" autoCapitalize="none" spellCheck={false} className={inputClass} />
          )}
        </Field>

        <Field id={`${id}-platform`} name="platform" label="Platform" error={errors.platform}>
          {(control) => (
            <select {...control} required defaultValue={typed.platform ?? ""} className={inputClass}>
              <option value="">Choose your platform</option>
              {platforms.map((platform) => (
                <option key={platform} value={platform}>
                  {platformLabels[platform]}
                </option>
              ))}
            </select>
          )}
        </Field>

        <Field id={`${id}-eaFcId`} name="eaFcId" label="EA FC ID" hint={`Your EA account name, ${eaFcIdLength.min} to ${eaFcIdLength.max} characters. One profile per EA FC ID.`} error={errors.eaFcId}>
          {(control) => <input {...control} type="text" required defaultValue={typed.eaFcId} autoComplete="off" autoCapitalize="none" spellCheck={false} className={inputClass} />}
        </Field>

        <Field id={`${id}-country`} name="country" label="Country" error={errors.country}>
          {(control) => (
            <select {...control} required defaultValue={typed.country ?? ""} autoComplete="country" className={inputClass}>
              <option value="">Choose your country</option>
              {countryCodes.map((code) => (
                <option key={code} value={code}>
                  {countryNames[code]}
                </option>
              ))}
            </select>
          )}
        </Field>

        <Field id={`${id}-position`} name="position" label="Preferred position" error={errors.position}>
          {(control) => (
            <select {...control} required defaultValue={typed.position ?? ""} className={inputClass}>
              <option value="">Choose your position</option>
              {positions.map((position) => (
                <option key={position} value={position}>
                  {positionLabels[position]} ({position})
                </option>
              ))}
            </select>
          )}
        </Field>

        <div className="flex flex-col gap-3 sm:col-span-2 sm:flex-row sm:items-center">
          <button type="submit" disabled={saving} aria-busy={saving} className={primaryButtonClass}>
            {saving ? "Saving…" : "Save profile"}
          </button>
          <p role="status" className="text-sm text-slate-700">
            {state.status === "saved" ? "Profile saved." : ""}
          </p>
        </div>
      </form>
    </section>
  );
}

const saveFailedMessage = "We couldn't save your profile. Check your connection and try again.";

async function save(onSubmit: ProfileFormProps["onSubmit"], values: ProfileInput): Promise<ProfileSaveResult> {
  try {
    return await onSubmit(values);
  } catch {
    return { ok: false, message: saveFailedMessage };
  }
}
