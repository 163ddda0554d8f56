/**
 * What a form's server action answers when it refuses (lib/api/form-action.ts):
 * the page renders it again with what the user typed, each field's message
 * beside it and anything else above the form. A success never answers this:
 * it redirects to the dashboard, which says what happened. Pure: safe for
 * client components.
 */
export type FormActionState = {
  /** The fields as the user sent them, so a refused form keeps what they typed. */
  values: Record<string, string>;
  /** Field name -> the sentence shown beside it. */
  fieldErrors: Record<string, string>;
  /** The refusal's sentence (the same as the JSON API's `message`); null before any submission. */
  message: string | null;
};

export const noFormActionState: FormActionState = { values: {}, fieldErrors: {}, message: null };

/** The message to show above the form: none when a field already shows it beside itself. */
export function formSummaryOf(state: Pick<FormActionState, "fieldErrors" | "message">): string | null {
  if (state.message === null || Object.values(state.fieldErrors).includes(state.message)) return null;
  return state.message;
}
