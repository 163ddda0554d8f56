import { z } from "zod";
import { countryCodes } from "./countries";

/**
 * The tournament profile a member fills in before they can join a team.
 * One schema for the browser (instant feedback) and the server (the
 * authority), so both accept and reject exactly the same input.
 */

export const platforms = ["playstation", "xbox", "pc"] as const;
export type Platform = (typeof platforms)[number];
export const platformLabels: Record<Platform, string> = { playstation: "PlayStation", xbox: "Xbox", pc: "PC" };

export const positions = ["GK", "DEF", "MID", "FWD"] as const;
export type Position = (typeof positions)[number];
export const positionLabels: Record<Position, string> = { GK: "Goalkeeper", DEF: "Defender", MID: "Midfielder", FWD: "Forward" };

export const gamerTagLength = { min: 3, max: 24 } as const;
export const eaFcIdLength = { min: 3, max: 32 } as const;

// Checked before trimming, so a NUL, a bidi override or a zero-width joiner
// is refused rather than silently surviving at the edges of a value.
const controlOrFormatCharacter = /[\p{Cc}\p{Cf}]/u;

function text(label: string, length: { min: number; max: number }, allowed: RegExp, allowedDescription: string) {
  return z
    .string({ error: `Enter your ${label}.` })
    .refine((value) => !controlOrFormatCharacter.test(value), `${capitalise(label)} must not contain control characters.`)
    .trim()
    .min(1, `Enter your ${label}.`)
    .min(length.min, `${capitalise(label)} must be at least ${length.min} characters.`)
    .max(length.max, `${capitalise(label)} must be at most ${length.max} characters.`)
    .regex(allowed, `${capitalise(label)} may only use ${allowedDescription}.`);
}

function capitalise(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export const profileSchema = z.object({
  // ASCII only: look-alike letters from other scripts would let two players
  // wear tags that read the same.
  gamerTag: text("gamer tag", gamerTagLength, /^[A-Za-z0-9_.-]+$/, "letters, digits, underscores, hyphens and dots"),
  platform: z.enum(platforms, { error: "Choose your platform." }),
  eaFcId: text("EA FC ID", eaFcIdLength, /^[A-Za-z0-9 _.-]+$/, "letters, digits, spaces, underscores, hyphens and dots"),
  country: z.enum(countryCodes, { error: "Choose your country." }),
  position: z.enum(positions, { error: "Choose your preferred position." }),
});

export type ProfileInput = z.infer<typeof profileSchema>;

export type ProfileField = keyof ProfileInput;
export type ProfileFieldErrors = Partial<Record<ProfileField, string>>;

/** The first message per field, in the shape forms and API answers use. */
export function profileFieldErrors(error: z.ZodError): ProfileFieldErrors {
  const errors: ProfileFieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (isProfileField(field) && errors[field] === undefined) errors[field] = issue.message;
  }
  return errors;
}

function isProfileField(key: unknown): key is ProfileField {
  return typeof key === "string" && Object.hasOwn(profileSchema.shape, key);
}

/** What saving a profile answers: the browser shows `fieldErrors` beside their fields and `message` above the form. */
export type ProfileSaveResult = { ok: true } | { ok: false; fieldErrors?: ProfileFieldErrors; message?: string };
