import type { LuaScript } from "./index";

/**
 * Files a join request, checking every rule in one atomic step: the team
 * exists and has room, the user is in no team, has no request to it yet, and
 * stays within their number of open requests. No Discord change is involved,
 * so no lock or journal is needed.
 *
 * KEYS[1]  <prefix>team:<id>
 * KEYS[2]  <prefix>team:<id>:members
 * KEYS[3]  <prefix>team:<id>:requests
 * KEYS[4]  <prefix>user-team
 * KEYS[5]  <prefix>user-requests
 * KEYS[6]  <prefix>audit
 * ARGV[1]  team id
 * ARGV[2]  user id
 * ARGV[3]  roster cap
 * ARGV[4]  open requests allowed per user
 * ARGV[5]  now, epoch milliseconds
 * ARGV[6]  audit entry, JSON
 * ARGV[7]  audit entries kept (approximate MAXLEN)
 * Returns "ok", "exists" (already pending: nothing to do), "gone", "in-team", "full" or "too-many".
 */
export const teamRequestJoinScript: LuaScript = {
  name: "safaTeamRequestJoin",
  numberOfKeys: 6,
  lua: `
if redis.call("EXISTS", KEYS[1]) == 0 then return "gone" end
if redis.call("HEXISTS", KEYS[4], ARGV[2]) == 1 then return "in-team" end
if redis.call("ZSCORE", KEYS[3], ARGV[2]) then return "exists" end
if redis.call("ZCARD", KEYS[2]) >= tonumber(ARGV[3]) then return "full" end
local raw = redis.call("HGET", KEYS[5], ARGV[2])
local pending = {}
if raw then pending = cjson.decode(raw) end
if #pending >= tonumber(ARGV[4]) then return "too-many" end
table.insert(pending, ARGV[1])
redis.call("HSET", KEYS[5], ARGV[2], cjson.encode(pending))
redis.call("ZADD", KEYS[3], ARGV[5], ARGV[2])
redis.call("XADD", KEYS[6], "MAXLEN", "~", ARGV[7], "*", "entry", ARGV[6])
return "ok"
`,
};
