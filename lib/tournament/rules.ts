import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { TournamentContext } from "./context";
import { formatUtc } from "./format";
import { readWindowRecord } from "./store";
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
 * sentence that says why and until when. A tournament admin's override
 * with a reason lets it pass; the caller records `overrideNote(move)` in
 * its audit entry. Judge it before admission and again under the action's
 * locks, as rights are judged.
 */
export async function requireRosterMove(context: TournamentContext, move: RosterMove): Promise<void> {
  if (overrides(move)) return;
  const window = windowAt(await readWindowRecord(context), context.now());
  if (!window.open) {
    const until = window.opensAt === null ? "until a tournament admin opens it" : `until ${formatUtc(window.opensAt)}`;
    throw new ApiError("window_closed", `The transfer window is closed ${until}: ${moveNoun(move)} must wait.`);
  }
}

/** Whether the move carries a usable override: only a tournament admin's, only with a reason. */
function overrides(move: RosterMove): boolean {
  if (move.override === undefined) return false;
  if (!move.actor.isAdmin) throw new ApiError("forbidden", "Only a tournament admin can override the transfer rules.", { field: "override" });
  if (move.override.reason.trim() === "") throw new ApiError("invalid_input", "Give a reason for the override.", { field: "override.reason" });
  return true;
}

/** The words an audit entry's detail gains when a move overrode the rules; null without an override. */
export function overrideNote(move: Pick<RosterMove, "override">): string | null {
  return move.override === undefined ? null : `override: ${move.override.reason.trim()}`;
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
