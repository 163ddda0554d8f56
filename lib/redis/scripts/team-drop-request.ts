import { luaScript } from "../lua-script";

/**
 * Drops a pending join request (withdrawn by the user or declined by the
 * team) and audits it, only if it was there: a repeated click changes nothing.
 *
 * KEYS[1]  <prefix>team:<id>:requests
 * KEYS[2]  <prefix>user-requests
 * KEYS[3]  <prefix>audit
 * ARGV[1]  team id
 * ARGV[2]  user id
 * ARGV[3]  audit entry, JSON
 * ARGV[4]  audit entries kept (approximate MAXLEN)
 * Returns "ok" or "none" (there was no such request).
 */
export const teamDropRequestScript = luaScript({
  name: "safaTeamDropRequest",
  keys: ["requestsKey", "userRequestsKey", "auditKey"],
  args: ["teamId", "userId", "auditEntry", "auditEntriesMax"],
  body: `
if redis.call("ZREM", requestsKey, userId) == 0 then return "none" end
local raw = redis.call("HGET", userRequestsKey, userId)
local kept = {}
if raw then
  for _, value in ipairs(cjson.decode(raw)) do
    if value ~= teamId then table.insert(kept, value) end
  end
end
if #kept == 0 then redis.call("HDEL", userRequestsKey, userId) else redis.call("HSET", userRequestsKey, userId, cjson.encode(kept)) end
redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", auditEntry)
return "ok"
`,
});
