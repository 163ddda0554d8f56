import { z } from "zod";

/**
 * The transfer window as stored: the state an admin last set "now", and at
 * most one scheduled opening and one scheduled closing. Its state at any
 * moment is computed from this record and the clock (`windowAt`), so a
 * scheduled change takes effect at its time without any timer.
 */
export type WindowRecord = {
  /** The state set "now", and when; null before any admin touched the window (then it is open). */
  base: { open: boolean; at: number } | null;
  scheduledOpen: ScheduledChange | null;
  scheduledClose: ScheduledChange | null;
};

/** A change set for later, and who set it (named when it is announced). */
export type ScheduledChange = { at: number; byId: string; byName: string };

/** The window at one moment, as the views and the refusals tell it. */
export type WindowState = {
  open: boolean;
  /** When the current state began; null for a window no admin has touched. */
  since: number | null;
  /** The next scheduled opening or closing still ahead, if any. */
  opensAt: number | null;
  closesAt: number | null;
};

const optionalNumber = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === "" ? null : Number(value)))
  .pipe(z.number().int().nonnegative().nullable());

/** The Redis hash, parsed at the boundary; a field that does not parse drops the whole record (then the window reads as open). */
export const windowHashSchema = z
  .object({
    state: z.enum(["open", "closed"]).optional(),
    at: optionalNumber,
    openAt: optionalNumber,
    openById: z.string().optional(),
    openByName: z.string().optional(),
    closeAt: optionalNumber,
    closeById: z.string().optional(),
    closeByName: z.string().optional(),
  })
  .transform(
    (hash): WindowRecord => ({
      base: hash.state === undefined || hash.at === null ? null : { open: hash.state === "open", at: hash.at },
      scheduledOpen: hash.openAt === null ? null : { at: hash.openAt, byId: hash.openById ?? "", byName: hash.openByName ?? "" },
      scheduledClose: hash.closeAt === null ? null : { at: hash.closeAt, byId: hash.closeById ?? "", byName: hash.closeByName ?? "" },
    }),
  );

export const untouchedWindow: WindowRecord = { base: null, scheduledOpen: null, scheduledClose: null };

/** A state change, set now or scheduled. */
export type WindowTransition = { open: boolean; at: number };

/** Every change the record holds, oldest first. */
export function transitionsOf(record: WindowRecord): WindowTransition[] {
  const all: WindowTransition[] = [];
  if (record.base) all.push(record.base);
  if (record.scheduledOpen) all.push({ open: true, at: record.scheduledOpen.at });
  if (record.scheduledClose) all.push({ open: false, at: record.scheduledClose.at });
  return all.sort((a, b) => a.at - b.at);
}

/**
 * The window at `now`: the latest change whose time has come wins. A window
 * no admin has touched is open, so the product behaves as before until an
 * admin closes it.
 */
export function windowAt(record: WindowRecord, now: number): WindowState {
  const past = transitionsOf(record).filter((change) => change.at <= now);
  const current = past.at(-1);
  const ahead = (change: ScheduledChange | null) => (change !== null && change.at > now ? change.at : null);
  return { open: current?.open ?? true, since: current?.at ?? null, opensAt: ahead(record.scheduledOpen), closesAt: ahead(record.scheduledClose) };
}
