import { luaScript } from "../lua-script";

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
export const teamRequestJoinScript = luaScript({
  name: "safaTeamRequestJoin",
  keys: ["teamKey", "membersKey", "requestsKey", "userTeamKey", "userRequestsKey", "auditKey"],
  args: ["teamId", "userId", "rosterMax", "userRequestsMax", "now", "auditEntry", "auditEntriesMax"],
  body: `
if redis.call("EXISTS", teamKey) == 0 then return "gone" end
if redis.call("HEXISTS", userTeamKey, userId) == 1 then return "in-team" end
if redis.call("ZSCORE", requestsKey, userId) then return "exists" end
if redis.call("ZCARD", membersKey) >= tonumber(rosterMax) then return "full" end
local raw = redis.call("HGET", userRequestsKey, userId)
local pending = {}
if raw then pending = cjson.decode(raw) end
if #pending >= tonumber(userRequestsMax) then return "too-many" end
table.insert(pending, teamId)
redis.call("HSET", userRequestsKey, userId, cjson.encode(pending))
redis.call("ZADD", requestsKey, now, userId)
redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", auditEntry)
return "ok"
`,
});
