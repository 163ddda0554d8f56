import { actionCommitScript } from "./action-commit-prelude";
import { seasonChangeLua } from "./tournament-season-change";
import { transferRulesLua } from "./tournament-transfer-rules";

/**
 * Takes a player off a roster (they left, or were removed) once Discord has
 * made them a free agent again.
 *
 * KEYS[1..4], ARGV[1..5]  see action-commit-prelude.ts (locks, journals, audit)
 * KEYS[5]  <prefix>team:<id>
 * KEYS[6]  <prefix>team:<id>:members
 * KEYS[7]  <prefix>user-team
 * ARGV[6]  team id
 * ARGV[7]  the leaving user's id
 * KEYS[8]  <prefix>season:<start>:changes   (the season's roster changes per team)
 * ARGV[8]  roster changes allowed per team ("0": no limit)
 * ARGV[9]  "1" when the departure counts as one of the season's changes
 * KEYS[9]  <prefix>transfer-window
 * KEYS[10] <prefix>roster-locks
 * ARGV[10] "1": the transfer window and roster locks apply; "0": a tournament admin overrode them
 * ARGV[11] now, epoch milliseconds
 * Returns "ok", "lost-lock", "not-member", "is-manager", "change-limit",
 * "window-closed" or "roster-locked" (nothing written unless "ok", but a
 * scheduled window change that came due is settled).
 */
export const teamLeaveCommitScript = actionCommitScript({
  name: "safaTeamLeaveCommit",
  keys: ["teamKey", "membersKey", "userTeamKey", "changesKey", "windowKey", "locksKey"],
  args: ["teamId", "userId", "changeLimit", "countsChange", "enforceRules", "now"],
  body: `${seasonChangeLua}${transferRulesLua}
if not holds_locks() then return "lost-lock" end
if redis.call("HGET", userTeamKey, userId) ~= teamId then return "not-member" end
if redis.call("HGET", teamKey, "managerId") == userId then return "is-manager" end
if change_limit_reached() then return "change-limit" end
local rulesRefusal = transfer_rules_refusal()
if rulesRefusal then return rulesRefusal end
count_change()
redis.call("ZREM", membersKey, userId)
redis.call("HDEL", userTeamKey, userId)
close_journal_and_audit()
return "ok"
`,
});
