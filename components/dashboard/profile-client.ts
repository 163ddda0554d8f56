import { z } from "zod";
import { profileSchema } from "@/lib/profile/schema";
import type { ProfileFieldErrors, ProfileInput, ProfileSaveResult } from "@/lib/profile/schema";
import { parseRetryAfterSeconds } from "../http-error";
import { formatCountdown } from "./format-age";

/**
 * The default way the dashboard saves a profile: `POST /api/profile` with
 * the profile as JSON. Any 2xx is a save; an error answers in the app's
 * error shape (`{ error, message, fieldErrors? }`, see lib/api/errors.ts).
 */
export const profileEndpoint = "/api/profile";

export async function saveProfileViaApi(values: ProfileInput): Promise<ProfileSaveResult> {
  const response = await fetch(profileEndpoint, {
    method: "POST",
    cache: "no-store",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(values),
  });
  return readProfileSaveResponse(response, Date.now());
}

const errorBodySchema = z.object({
  message: z.string().optional().catch(undefined),
  fieldErrors: z.record(z.string(), z.string()).optional().catch(undefined),
});

/** Turns any answer of the profile endpoint into what the form shows. */
export async function readProfileSaveResponse(response: Response, nowMs: number): Promise<ProfileSaveResult> {
  if (response.ok) return { ok: true };
  if (response.status === 401) return { ok: false, message: "Your login has ended. Reload the page and log in again; your answers are not saved." };
  if (response.status === 429) {
    const waitSeconds = parseRetryAfterSeconds(response.headers.get("retry-after"), nowMs);
    const when = waitSeconds === null ? "in a moment" : `in ${formatCountdown(waitSeconds * 1000)}`;
    return { ok: false, message: `Too many attempts. Please try again ${when}.` };
  }
  const body = errorBodySchema.safeParse(await response.json().catch(() => null));
  const fieldErrors = body.success ? knownFieldErrors(body.data.fieldErrors ?? {}) : {};
  const message = body.success ? body.data.message : undefined;
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors, message };
  return { ok: false, message: message ?? "We couldn't save your profile. Please try again in a moment." };
}

/** Only messages for fields the form shows; anything else the server names is dropped. */
function knownFieldErrors(raw: Record<string, string>): ProfileFieldErrors {
  const errors: ProfileFieldErrors = {};
  for (const field of profileSchema.keyof().options) {
    const message = raw[field];
    if (message !== undefined) errors[field] = message;
  }
  return errors;
}
