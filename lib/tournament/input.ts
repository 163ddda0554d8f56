import { z } from "zod";

/**
 * Inputs of the transfer window, roster locks and season, shared by the
 * admin area (instant feedback) and the server (the authority). Times are
 * epoch milliseconds; whether a time is still ahead is judged against the
 * server's clock, by the domain code. No `server-only`: client components
 * import this.
 */

/** How far ahead a change may be scheduled, or a lock may last. */
export const scheduleHorizonMs = 366 * 24 * 60 * 60 * 1_000;
export const reasonMaxLength = 200;

/** A team's id (its Discord role's id); written here, not imported, so the teams feature may import these rules without a circle. */
const teamIdSchema = z.string({ error: "must be a Discord id (17 to 20 digits)" }).regex(/^\d{17,20}$/, "must be a Discord id (17 to 20 digits)");

const controlOrFormatCharacter = /[\p{Cc}\p{Cf}]/u;

const epochMsSchema = (what: string) => z.number({ error: `${what} must be a time (epoch milliseconds).` }).int(`${what} must be a whole number of milliseconds.`).positive(`${what} must be a time (epoch milliseconds).`);

export const reasonSchema = z
  .string({ error: "Give a reason." })
  .refine((value) => !controlOrFormatCharacter.test(value), "The reason must not contain control characters.")
  .trim()
  .min(1, "Give a reason.")
  .max(reasonMaxLength, `The reason must be at most ${reasonMaxLength} characters.`);

/** A tournament admin's override of the window, the locks and the change limit, on a roster action's body. */
export const overrideSchema = z.object({ reason: reasonSchema }, { error: "The override must be an object with a reason." }).strict();
export type OverrideInput = z.infer<typeof overrideSchema>;

const windowChange = z.enum(["open", "close"], { error: 'Choose "open" or "close".' });

/** Open or close now (no `at`), or schedule it (`at` ahead). */
export const windowChangeSchema = z.object({ change: windowChange, at: epochMsSchema("The time").optional() }).strict();
export type WindowChangeInput = z.infer<typeof windowChangeSchema>;

/** Cancel the scheduled opening or closing. */
export const windowCancelSchema = z.object({ change: windowChange }).strict();

/** Lock one team's roster (`teamId`), or every roster (none); until a time, or until unlocked. */
export const rosterLockSchema = z.object({ teamId: teamIdSchema.optional(), until: epochMsSchema("The end of the lock").nullable().optional(), reason: reasonSchema }).strict();
export type RosterLockInput = z.infer<typeof rosterLockSchema>;

export const rosterUnlockSchema = z.object({ teamId: teamIdSchema.optional() }).strict();

export const changeLimitRange = { min: 1, max: 1_000 } as const;

export const seasonSchema = z
  .object({
    startsAt: epochMsSchema("The season's start"),
    changeLimit: z
      .number({ error: "The limit must be a number, or null for no limit." })
      .int("The limit must be a whole number.")
      .min(changeLimitRange.min, `The limit must be at least ${changeLimitRange.min}.`)
      .max(changeLimitRange.max, `The limit must be at most ${changeLimitRange.max}.`)
      .nullable(),
  })
  .strict();
export type SeasonInput = z.infer<typeof seasonSchema>;
