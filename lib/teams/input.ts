import { z } from "zod";

/**
 * Team input rules, shared by the browser (instant feedback) and the server
 * (the authority). No `server-only`: client components import this.
 */

export const teamNameLength = { min: 3, max: 32 } as const;
export const teamTagLength = { min: 2, max: 5 } as const;

// Checked before trimming, so a NUL, a bidi override or a zero-width joiner is refused, not trimmed away.
const controlOrFormatCharacter = /[\p{Cc}\p{Cf}]/u;

/**
 * ASCII letters and digits with single spaces, hyphens, apostrophes, dots and
 * ampersands. Letters from other scripts are refused: a Cyrillic "а" would
 * let two teams wear names that read the same and slip past uniqueness.
 */
const teamNamePattern = /^[A-Za-z0-9](?:[A-Za-z0-9'&.-]| (?! ))*$/;

export const teamNameSchema = z
  .string({ error: "Enter a team name." })
  .refine((value) => !controlOrFormatCharacter.test(value), "Team name must not contain control characters.")
  .trim()
  .min(1, "Enter a team name.")
  .min(teamNameLength.min, `Team name must be at least ${teamNameLength.min} characters.`)
  .max(teamNameLength.max, `Team name must be at most ${teamNameLength.max} characters.`)
  .regex(teamNamePattern, "Team name may only use letters A-Z, digits, single spaces and - ' & . (starting with a letter or digit).")
  .refine((value) => /[A-Za-z]/.test(value), "Team name must contain at least one letter.");

export const teamTagSchema = z
  .string({ error: "Enter a short tag." })
  .refine((value) => !controlOrFormatCharacter.test(value), "Tag must not contain control characters.")
  .trim()
  .min(1, "Enter a short tag.")
  .regex(/^[A-Za-z]*$/, "Tag may only use letters A-Z.")
  .min(teamTagLength.min, `Tag must be at least ${teamTagLength.min} letters.`)
  .max(teamTagLength.max, `Tag must be at most ${teamTagLength.max} letters.`)
  .transform((value) => value.toUpperCase());

export const createTeamSchema = z.object({ name: teamNameSchema, tag: teamTagSchema });
export type CreateTeamInput = z.infer<typeof createTeamSchema>;
export type CreateTeamField = keyof CreateTeamInput;

/** Discord ids in paths and bodies. */
export const snowflakeSchema = z.string().regex(/^\d{17,20}$/, "must be a Discord id (17 to 20 digits)");

/** Names compare without case and with runs of spaces as one, so "Lagos  lions" clashes with "Lagos Lions". */
export function normaliseTeamName(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}
