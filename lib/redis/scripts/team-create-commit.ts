import type { LuaScript } from "./index";
import { dropUserRequestsLua } from "./team-drop-user-requests";
import { teamCommitPrelude } from "./team-prelude";

/**
 * Records a new team once its Discord role exists and the creator holds it.
 *
 * KEYS[1..4], ARGV[1..5]  see team-prelude.ts (locks, journals, audit)
 * KEYS[5]   <prefix>team:<id>          (hash)
 * KEYS[6]   <prefix>team:<id>:members  (zset)
 * KEYS[7]   <prefix>teams              (zset index)
 * KEYS[8]   <prefix>team-names         (hash: normalised name -> id)
 * KEYS[9]   <prefix>user-team          (hash: user -> team)
 * KEYS[10]  <prefix>user-requests      (hash: user -> JSON array of team ids)
 * ARGV[6]   team id (the Discord role id)
 * ARGV[7]   normalised name
 * ARGV[8]   name as entered
 * ARGV[9]   tag
 * ARGV[10]  creator (and manager) user id
 * ARGV[11]  now, epoch milliseconds
 * Also drops the creator's requests to other teams (see team-drop-user-requests.ts).
 * Returns "ok", "lost-lock", "name-taken" or "in-team" (nothing written unless "ok").
 */
export const teamCreateCommitScript: LuaScript = {
  name: "safaTeamCreateCommit",
  numberOfKeys: 10,
  lua: `${teamCommitPrelude}${dropUserRequestsLua}
if not holds_locks() then return "lost-lock" end
if redis.call("HEXISTS", KEYS[8], ARGV[7]) == 1 then return "name-taken" end
if redis.call("HEXISTS", KEYS[9], ARGV[10]) == 1 then return "in-team" end
redis.call("HSET", KEYS[5], "id", ARGV[6], "name", ARGV[8], "normalizedName", ARGV[7], "tag", ARGV[9],
  "managerId", ARGV[10], "createdBy", ARGV[10], "createdAt", ARGV[11], "adopted", "0")
redis.call("ZADD", KEYS[6], ARGV[11], ARGV[10])
redis.call("ZADD", KEYS[7], ARGV[11], ARGV[6])
redis.call("HSET", KEYS[8], ARGV[7], ARGV[6])
redis.call("HSET", KEYS[9], ARGV[10], ARGV[6])
drop_user_requests(KEYS[5], ARGV[6], KEYS[10], ARGV[10])
close_journal_and_audit()
return "ok"
`,
};
