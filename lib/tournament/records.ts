import { z } from "zod";

/**
 * The roster locks and the season as stored, with their zod schemas (Redis
 * is a boundary too). Pure, so unit tests and the records checker use them.
 */

/** The field of `rosterLocks` that locks every roster at once. */
export const allRosters = "all";

export const rosterLockRecordSchema = z.object({
  /** Epoch ms; null: until an admin unlocks it. */
  until: z.number().int().nullable(),
  reason: z.string(),
  byId: z.string(),
  byName: z.string(),
  at: z.number().int(),
});
export type RosterLockRecord = z.infer<typeof rosterLockRecordSchema>;

/** A lock holds until its end, or until it is lifted; an expired one is simply ignored (no timer removes it). */
export function lockInForce(lock: RosterLockRecord, now: number): boolean {
  return lock.until === null || lock.until > now;
}

export const seasonHashSchema = z
  .object({
    startsAt: z.coerce.number().int().positive(),
    changeLimit: z.coerce.number().int().positive().optional(),
    byId: z.string().optional(),
  })
  .transform((hash): SeasonRecord => ({ startsAt: hash.startsAt, changeLimit: hash.changeLimit ?? null }));

/** The season: its start and the roster changes each team may make in it (null: no limit). */
export type SeasonRecord = { startsAt: number; changeLimit: number | null };

/** A season is known by its start: a new start begins every team's count anew. */
export function seasonIdOf(season: SeasonRecord): string {
  return String(season.startsAt);
}
