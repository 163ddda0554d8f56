import { actionCommitScript } from "./action-commit-prelude";

/**
 * Hands a team's management to one of its players once Discord shows the
 * swap of the team manager role.
 *
 * KEYS[1..4], ARGV[1..5]  see action-commit-prelude.ts (locks, journals, audit)
 * KEYS[5]  <prefix>team:<id>
 * KEYS[6]  <prefix>team:<id>:members
 * ARGV[6]  the manager handing over ("" when the team had none)
 * ARGV[7]  the new manager
 * Returns "ok", "lost-lock", "gone", "not-member" or "not-manager" (nothing written unless "ok").
 */
export const teamTransferCommitScript = actionCommitScript({
  name: "safaTeamTransferCommit",
  keys: ["teamKey", "membersKey"],
  args: ["fromUserId", "toUserId"],
  body: `
if not holds_locks() then return "lost-lock" end
if redis.call("EXISTS", teamKey) == 0 then return "gone" end
if not redis.call("ZSCORE", membersKey, toUserId) then return "not-member" end
if (redis.call("HGET", teamKey, "managerId") or "") ~= fromUserId then return "not-manager" end
redis.call("HSET", teamKey, "managerId", toUserId)
close_journal_and_audit()
return "ok"
`,
});
