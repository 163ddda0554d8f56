import "server-only";
import type { SeasonChange } from "@/lib/actions/commit";
import { ApiError } from "@/lib/api/errors";
import type { TournamentContext } from "./context";
import { formatUtc } from "./format";
import { lockInForce, seasonIdOf, type RosterLockRecord } from "./records";
import { changesMade, readLocksOf, readSeason, readWindowRecord } from "./store";
import { windowAt } from "./window";

/** A roster change an action is about to make, and who asks for it. */
export type RosterMove = {
  teamId: string;
  kind: "join" | "leave" | "remove" | "offer";
  actor: { id: string; isAdmin: boolean };
  /** A tournament admin's reason to make the move whatever the window, the locks and the limit say. */
  override?: { reason: string } | undefined;
};

/**
 * Refuses a roster move the tournament's rules forbid right now, with a
 * sentence that says why and until when: the transfer window, a lock on the
 * team's roster or on every roster, and the team's roster changes left this
 * season. A tournament admin's override with a reason lets it pass; the
 * caller records `overrideNote(move)` in its audit entry. Judge it before
 * admission and again under the action's locks, as rights are judged; the
 * window, the locks and the change limit are judged once more, atomically,
 * by the commit (`transferCommitFor`).
 */
export async function requireRosterMove(context: TournamentContext, move: RosterMove): Promise<void> {
  if (overrides(move)) return;
  const now = context.now();
  const [record, locks, season] = await Promise.all([readWindowRecord(context), readLocksOf(context, move.teamId), readSeason(context)]);
  const window = windowAt(record, now);
  if (!window.open) {
    const until = window.opensAt === null ? "until a tournament admin opens it" : `until ${formatUtc(window.opensAt)}`;
    throw new ApiError("window_closed", `The transfer window is closed ${until}, so ${moveNoun(move)} must wait.`);
  }
  const lock = [locks.all, locks.team].find((candidate) => candidate !== null && lockInForce(candidate, now));
  if (lock) {
    const whose = lock === locks.all ? "All rosters are" : "This team's roster is";
    throw new ApiError("roster_locked", `${whose} locked ${lockEnd(lock)} (${lock.reason}), so ${moveNoun(move)} must wait.`);
  }
  if (season !== null && season.changeLimit !== null && season.startsAt <= now && (await changesMade(context, season, move.teamId)) >= season.changeLimit) {
    throw new ApiError(
      "change_limit_reached",
      `This team has made all ${season.changeLimit} roster changes the season allows; the count starts again only with a new season.`,
    );
  }
}

/**
 * What the join or leave commit judges again, atomically, with the roster
 * change: the season's count (undefined before any season has started; a
 * limit of null when there is none, or a tournament admin overrode it, the
 * move still counting), and, unless overridden, the window and the locks.
 * Spread it into the commit spec.
 */
export async function transferCommitFor(context: TournamentContext, move: RosterMove): Promise<{ season: SeasonChange | undefined; overridden?: true }> {
  const overridden = overrides(move);
  const season = await readSeason(context);
  const counted = season === null || season.startsAt > context.now() ? undefined : { id: seasonIdOf(season), changeLimit: overridden ? null : season.changeLimit };
  return overridden ? { season: counted, overridden: true } : { season: counted };
}

/** Whether the move carries a usable override: only a tournament admin's, only with a reason. */
function overrides(move: RosterMove): boolean {
  if (move.override === undefined) return false;
  if (!move.actor.isAdmin) throw new ApiError("forbidden", "Only a tournament admin can override the transfer rules.", { field: "override" });
  if (move.override.reason.trim() === "") {
    const message = "Give a reason for the override.";
    throw new ApiError("invalid_input", message, { field: "override", fieldErrors: { override: message } });
  }
  return true;
}

/** The words an audit entry's detail gains when a move overrode the rules; null without an override. */
export function overrideNote(move: Pick<RosterMove, "override">): string | null {
  return move.override === undefined ? null : `override: ${move.override.reason.trim()}`;
}

/** An audit detail with the override's note after it. */
export function withOverrideNote(detail: string | null, move: Pick<RosterMove, "override">): string | null {
  const note = overrideNote(move);
  if (note === null) return detail;
  return detail === null ? note : `${detail}; ${note}`;
}

function lockEnd(lock: RosterLockRecord): string {
  return lock.until === null ? "until a tournament admin unlocks it" : `until ${formatUtc(lock.until)}`;
}

function moveNoun(move: RosterMove): string {
  switch (move.kind) {
    case "join":
      return "joining a team";
    case "leave":
      return "leaving a team";
    case "remove":
      return "removing a player";
    case "offer":
      return "offers";
  }
}
