import "server-only";
import { z } from "zod";
import { actionPolicy } from "@/lib/actions/policy";
import { runScript } from "@/lib/redis/lua-script";
import { tournamentWindowObserveScript } from "@/lib/redis/scripts/tournament-window-observe";
import type { TournamentContext } from "./context";
import { allRosters, rosterLockRecordSchema, seasonHashSchema, seasonIdOf, type RosterLockRecord, type SeasonRecord } from "./records";
import { untouchedWindow, windowHashSchema, type WindowRecord } from "./window";

/*
 * The tournament's records as stored, every value parsed at the boundary. A
 * record that does not parse is logged and read as absent: the rules then
 * fall back to the product's behaviour before any admin set them.
 */

const flatHash = z.array(z.string()).transform((flat) => Object.fromEntries(flat.flatMap((value, index) => (index % 2 === 0 ? [[value, flat[index + 1] ?? ""]] : []))));

/**
 * The window's record, brought up to the clock on the way: a scheduled
 * change whose time has come takes effect and is announced, once, by
 * whichever read comes first after it (tournament-window-observe.ts).
 */
export async function readWindowRecord(context: TournamentContext): Promise<WindowRecord> {
  const keys = context.keys;
  const reply = await runScript(context.redis, tournamentWindowObserveScript, {
    keys: { windowKey: keys.transferWindow, auditKey: keys.audit, outboxKey: keys.outbox },
    args: { now: context.now(), announce: context.announceChanges === true ? "1" : "0", auditEntriesMax: actionPolicy.auditEntriesMax },
  });
  const parsed = flatHash.pipe(windowHashSchema).safeParse(reply);
  if (parsed.success) return parsed.data;
  context.log.error({ issues: parsed.error.issues.length }, "the transfer window's record does not parse; reading it as untouched");
  return untouchedWindow;
}

/** Every stored lock by its field (a team id, or `all`), expired ones included. */
export async function readRosterLocks(context: TournamentContext): Promise<Map<string, RosterLockRecord>> {
  const locks = new Map<string, RosterLockRecord>();
  for (const [field, raw] of Object.entries(await context.redis.hgetall(context.keys.rosterLocks))) {
    const parsed = rosterLockRecordSchema.safeParse(safeJson(raw));
    if (parsed.success) locks.set(field, parsed.data);
    else context.log.error({ field }, "a roster lock does not parse; ignoring it");
  }
  return locks;
}

/** The locks that bear on one team: its own and the one on every roster. */
export async function readLocksOf(context: TournamentContext, teamId: string): Promise<{ team: RosterLockRecord | null; all: RosterLockRecord | null }> {
  const [team, all] = await context.redis.hmget(context.keys.rosterLocks, teamId, allRosters);
  return { team: parseLock(context, team ?? null), all: parseLock(context, all ?? null) };
}

export async function readSeason(context: TournamentContext): Promise<SeasonRecord | null> {
  const hash = await context.redis.hgetall(context.keys.season);
  if (Object.keys(hash).length === 0) return null;
  const parsed = seasonHashSchema.safeParse(hash);
  if (parsed.success) return parsed.data;
  context.log.error({ issues: parsed.error.issues.length }, "the season's record does not parse; reading it as unset");
  return null;
}

/** Roster changes the team has made in the season. */
export async function changesMade(context: TournamentContext, season: SeasonRecord, teamId: string): Promise<number> {
  const raw = await context.redis.hget(context.keys.seasonChanges(seasonIdOf(season)), teamId);
  const count = Number(raw ?? 0);
  return Number.isSafeInteger(count) && count >= 0 ? count : 0;
}

function parseLock(context: TournamentContext, raw: string | null): RosterLockRecord | null {
  if (raw === null) return null;
  const parsed = rosterLockRecordSchema.safeParse(safeJson(raw));
  if (parsed.success) return parsed.data;
  context.log.error("a roster lock does not parse; ignoring it");
  return null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
