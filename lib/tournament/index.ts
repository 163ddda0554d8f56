import "server-only";

/*
 * Tournament operations: the transfer window (open or closed now, or at a
 * scheduled time), roster locks (one team or all), and the season with its
 * per-team limit of roster changes. Roster actions ask `requireRosterMove`
 * before admission and again under their locks; the join and leave commits
 * count the change against the season in the same atomic step. The app's
 * action context serves as this feature's context.
 */
export { cancelWindowChange, changeWindow } from "./change-window";
export { lockRoster, unlockRoster } from "./lock-roster";
export { overrideNote, requireRosterMove, transferCommitFor, withOverrideNote, type RosterMove } from "./rules";
export { setSeason } from "./set-season";
export { transferStatus } from "./transfer-status";
