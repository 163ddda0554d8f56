import type { LuaScript } from "./index";
import { actionCommitPrelude } from "./action-commit-prelude";

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
export const teamLeaveCommitScript: LuaScript = {
  name: "safaTeamLeaveCommit",
  numberOfKeys: 7,
  lua: `${actionCommitPrelude}
if not holds_locks() then return "lost-lock" end
if redis.call("HGET", KEYS[7], ARGV[7]) ~= ARGV[6] then return "not-member" end
if redis.call("HGET", KEYS[5], "managerId") == ARGV[7] then return "is-manager" end
redis.call("ZREM", KEYS[6], ARGV[7])
redis.call("HDEL", KEYS[7], ARGV[7])
close_journal_and_audit()
return "ok"
`,
};
