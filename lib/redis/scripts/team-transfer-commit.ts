import type { LuaScript } from "./index";
import { actionCommitPrelude } from "./action-commit-prelude";

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
export const teamTransferCommitScript: LuaScript = {
  name: "safaTeamTransferCommit",
  numberOfKeys: 6,
  lua: `${actionCommitPrelude}
if not holds_locks() then return "lost-lock" end
if redis.call("EXISTS", KEYS[5]) == 0 then return "gone" end
if not redis.call("ZSCORE", KEYS[6], ARGV[7]) then return "not-member" end
if (redis.call("HGET", KEYS[5], "managerId") or "") ~= ARGV[6] then return "not-manager" end
redis.call("HSET", KEYS[5], "managerId", ARGV[7])
close_journal_and_audit()
return "ok"
`,
};
