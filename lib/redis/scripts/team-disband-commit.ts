import type { LuaScript } from "./index";
import { teamCommitPrelude } from "./team-prelude";

/**
 * Removes every record of a team once its Discord role is deleted and its
 * members are free agents again. Safe to run twice: a retry that completes
 * an interrupted disband finds nothing left and still closes the journal.
 *
 * KEYS[1..4], ARGV[1..5]  see team-prelude.ts (locks, journals, audit)
 * KEYS[5]   <prefix>team:<id>
 * KEYS[6]   <prefix>team:<id>:members
 * KEYS[7]   <prefix>team:<id>:requests
 * KEYS[8]   <prefix>teams
 * KEYS[9]   <prefix>team-names
 * KEYS[10]  <prefix>user-team
 * KEYS[11]  <prefix>user-requests
 * KEYS[12]  <prefix>disbanded-roles
 * ARGV[6]   team id
 * Returns "ok" or "lost-lock".
 */
export const teamDisbandCommitScript: LuaScript = {
  name: "safaTeamDisbandCommit",
  numberOfKeys: 12,
  lua: `${teamCommitPrelude}
if not holds_locks() then return "lost-lock" end
for _, member in ipairs(redis.call("ZRANGE", KEYS[6], 0, -1)) do
  if redis.call("HGET", KEYS[10], member) == ARGV[6] then redis.call("HDEL", KEYS[10], member) end
end
for _, requester in ipairs(redis.call("ZRANGE", KEYS[7], 0, -1)) do
  local kept = without(redis.call("HGET", KEYS[11], requester), ARGV[6])
  if #kept == 0 then redis.call("HDEL", KEYS[11], requester) else redis.call("HSET", KEYS[11], requester, cjson.encode(kept)) end
end
local normalized = redis.call("HGET", KEYS[5], "normalizedName")
if normalized and redis.call("HGET", KEYS[9], normalized) == ARGV[6] then redis.call("HDEL", KEYS[9], normalized) end
redis.call("DEL", KEYS[5], KEYS[6], KEYS[7])
redis.call("ZREM", KEYS[8], ARGV[6])
redis.call("SADD", KEYS[12], ARGV[6])
close_journal_and_audit()
return "ok"
`,
};
