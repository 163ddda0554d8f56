/**
 * The pages a form posted without scripts may go back to after it acted,
 * named by its hidden `returnTo` field (components/ui/form-return.tsx).
 * A fixed list, never an address taken from the form: a forged value
 * cannot send anyone elsewhere, it goes to the dashboard.
 */
export const formReturnPages = ["/", "/admin"] as const;
export type FormReturnPage = (typeof formReturnPages)[number];
export const formReturnField = "returnTo";

/**
 * What a form's server action answers when it refuses (lib/api/form-action.ts):
 * the page renders it again with what the user typed, each field's message
 * beside it and anything else above the form. A success never answers this:
 * it redirects to the page the form came from, which says what happened. Pure: safe for
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
