import "server-only";
import type { TransferStatus, RosterLockView } from "./answer";
import type { TournamentContext } from "./context";
import { allRosters, lockInForce } from "./records";
import { changesMade, readRosterLocks, readSeason, readWindowRecord } from "./store";
import { windowAt } from "./window";

/**
 * What the views show of the transfer rules: the window now (a scheduled
 * change whose time has come is settled and announced on the way), the locks
 * in force, the season, and for the caller's team the changes it has left.
 */
export async function transferStatus(context: TournamentContext, userId: string): Promise<TransferStatus> {
  const now = context.now();
  const [record, locks, season, teamId] = await Promise.all([
    readWindowRecord(context),
    readRosterLocks(context),
    readSeason(context),
    context.redis.hget(context.keys.userTeam, userId),
  ]);
  const inForce: RosterLockView[] = [];
  for (const [field, lock] of locks) {
    if (!lockInForce(lock, now)) continue;
    const every = field === allRosters;
    const teamName = every ? null : await context.redis.hget(context.keys.team(field), "name");
    if (!every && teamName === null) continue;
    inForce.push({ teamId: every ? null : field, teamName, until: lock.until, reason: lock.reason });
  }
  inForce.sort((a, b) => (a.teamId === null ? -1 : b.teamId === null ? 1 : (a.teamName ?? "").localeCompare(b.teamName ?? "")));
  const started = season !== null && season.startsAt <= now;
  let myTeam: TransferStatus["myTeam"] = null;
  if (teamId !== null) {
    const made = started ? await changesMade(context, season, teamId) : 0;
    const changesLeft = started && season.changeLimit !== null ? Math.max(0, season.changeLimit - made) : null;
    myTeam = { teamId, changesMade: made, changesLeft, locked: inForce.some((lock) => lock.teamId === null || lock.teamId === teamId) };
  }
  return {
    window: windowAt(record, now),
    locks: inForce,
    season: season === null ? null : { startsAt: season.startsAt, changeLimit: season.changeLimit, started },
    myTeam,
  };
}
