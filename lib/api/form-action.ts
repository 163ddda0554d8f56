import "server-only";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SessionExpiredError } from "@/lib/auth/errors";
import type { SessionUser } from "@/lib/auth/session";
import { apiErrorSchema, type ActionResult } from "./answer";
import { errorResponse } from "./errors";
import { rememberFormOutcome } from "./form-outcome";
import { formReturnField, formReturnPages, type FormActionState, type FormReturnPage } from "./form-state";
import { validInput } from "./http";
import type { RateLimitPolicyName } from "./ratelimit-policies";
import { admitSignedIn } from "./with-session";

/**
 * A dashboard form posted as a plain HTML form (before the page's scripts
 * run, or without JavaScript), handled by a server action: the same guard
 * as the JSON API (origin, session, rate limit), the same schema, the same
 * domain call, and the API's own error answer turned into what the form
 * shows. With scripts the forms call the JSON API instead; both end in the
 * same lib/ function.
 */

/** What a server action is given: the request's headers (Next.js's `headers()`) and the posted form. */
export type FormSubmission = { headers: Headers; formData: FormData };

export type FormSpec<Input> = {
  /** The fields the form posts; anything else in the body (React's own hidden inputs) is ignored. */
  fields: readonly string[];
  schema: z.ZodType<Input>;
  rateLimit: RateLimitPolicyName;
};

export type FormOutcome =
  | { kind: "done"; userId: string; result: ActionResult; returnTo: FormReturnPage }
  | { kind: "refused"; state: FormActionState }
  /** No live session: the page to send the browser to (the login, or the route that forgets an ended session). */
  | { kind: "signed-out"; redirectTo: string };

/** A refused form echoes what was typed; no real value is longer than this, and nothing longer is sent back. */
export const echoedValueMaxLength = 200;

/** The form's own fields as text: a missing field, or a file where text belongs, is empty (the schema then says what to enter). */
export function formFields(formData: FormData, fields: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = formData.get(field);
    values[field] = typeof value === "string" ? value : "";
  }
  return values;
}

const returnPageSchema = z.enum(formReturnPages).catch("/");

/** The page the form asks to go back to; anything not on the list (or missing) is the dashboard. */
function formReturnPage(formData: FormData): FormReturnPage {
  return returnPageSchema.parse(formData.get(formReturnField));
}

function echoed(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([field, value]) => [field, value.slice(0, echoedValueMaxLength)]));
}

/** Only messages for fields the form shows; one for anything else is the summary's to say. */
function fieldErrorsFor(fields: readonly string[], fieldErrors: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldErrors ?? {}).filter(([field]) => fields.includes(field)));
}

/**
 * Guard, parse, act, as `withSession` and `readBody` do for the JSON API.
 * Any refusal is the API's own answer (`errorResponse`), so a form and the
 * API say the same sentence for the same refusal.
 */
export async function runFormAction<Input>(
  submission: FormSubmission,
  spec: FormSpec<Input>,
  act: (user: SessionUser, input: Input) => Promise<ActionResult>,
): Promise<FormOutcome> {
  const values = formFields(submission.formData, spec.fields);
  try {
    const user = await admitSignedIn({ method: "POST", headers: submission.headers }, { rateLimit: spec.rateLimit });
    const result = await act(user, validInput(values, spec.schema));
    return { kind: "done", userId: user.id, result, returnTo: formReturnPage(submission.formData) };
  } catch (error) {
    if (error instanceof SessionExpiredError) return { kind: "signed-out", redirectTo: `/api/session/expired?reason=${error.reason}` };
    const answer = apiErrorSchema.parse(await errorResponse(error).json());
    if (answer.error === "unauthenticated") return { kind: "signed-out", redirectTo: "/" };
    return { kind: "refused", state: { values: echoed(values), fieldErrors: fieldErrorsFor(spec.fields, answer.fieldErrors), message: answer.message } };
  }
}

/**
 * What the browser gets: a refusal renders the form again (the returned
 * state); a success is remembered for the next page render to say and
 * answered with a 303 to the page the form came from (the dashboard, or
 * the admin area), so a reload does not post the form again.
 */
export async function finishFormAction(outcome: FormOutcome): Promise<FormActionState> {
  if (outcome.kind === "refused") return outcome.state;
  if (outcome.kind === "signed-out") redirect(outcome.redirectTo);
  await rememberFormOutcome(outcome.userId, outcome.result.message);
  redirect(outcome.returnTo);
}
