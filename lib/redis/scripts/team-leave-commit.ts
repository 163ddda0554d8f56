import { actionCommitScript } from "./action-commit-prelude";

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
 * Returns "ok", "lost-lock", "not-member" or "is-manager" (nothing written unless "ok").
 */
export const teamLeaveCommitScript = actionCommitScript({
  name: "safaTeamLeaveCommit",
  keys: ["teamKey", "membersKey", "userTeamKey"],
  args: ["teamId", "userId"],
  body: `
if not holds_locks() then return "lost-lock" end
if redis.call("HGET", userTeamKey, userId) ~= teamId then return "not-member" end
if redis.call("HGET", teamKey, "managerId") == userId then return "is-manager" end
redis.call("ZREM", membersKey, userId)
redis.call("HDEL", userTeamKey, userId)
close_journal_and_audit()
return "ok"
`,
});
