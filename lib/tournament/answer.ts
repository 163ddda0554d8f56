import { z } from "zod";

/**
 * What the transfers API answers, as zod schemas so the browser parses every
 * answer at its boundary. Pure: safe for client components. Times are epoch
 * milliseconds.
 */

export const windowStateSchema = z.object({
  open: z.boolean(),
  /** When the current state began; null for a window no admin has touched (open). */
  since: z.number().nullable(),
  /** The next scheduled opening or closing, if any. */
  opensAt: z.number().nullable(),
  closesAt: z.number().nullable(),
});

export const rosterLockViewSchema = z.object({
  /** Null: every roster is locked. */
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  /** Null: until an admin unlocks it. */
  until: z.number().nullable(),
  reason: z.string(),
});
export type RosterLockView = z.infer<typeof rosterLockViewSchema>;

export const seasonViewSchema = z.object({
  startsAt: z.number(),
  /** Roster changes each team may make this season; null: no limit. */
  changeLimit: z.number().int().nullable(),
  /** False before its start: changes are not counted yet. */
  started: z.boolean(),
});
export type SeasonView = z.infer<typeof seasonViewSchema>;

export const transferStatusSchema = z.object({
  window: windowStateSchema,
  /** Locks in force now (expired ones are left out). */
  locks: z.array(rosterLockViewSchema),
  season: seasonViewSchema.nullable(),
  /** The caller's team, when they are in one. */
  myTeam: z
    .object({
      teamId: z.string(),
      changesMade: z.number().int(),
      /** Null: no limit this season. */
      changesLeft: z.number().int().nullable(),
      locked: z.boolean(),
    })
    .nullable(),
});
export type TransferStatus = z.infer<typeof transferStatusSchema>;
