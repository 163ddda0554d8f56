import type { LuaScript } from "./index";

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
export const teamDropRequestScript: LuaScript = {
  name: "safaTeamDropRequest",
  numberOfKeys: 3,
  lua: `
if redis.call("ZREM", KEYS[1], ARGV[2]) == 0 then return "none" end
local raw = redis.call("HGET", KEYS[2], ARGV[2])
local kept = {}
if raw then
  for _, value in ipairs(cjson.decode(raw)) do
    if value ~= ARGV[1] then table.insert(kept, value) end
  end
end
if #kept == 0 then redis.call("HDEL", KEYS[2], ARGV[2]) else redis.call("HSET", KEYS[2], ARGV[2], cjson.encode(kept)) end
redis.call("XADD", KEYS[3], "MAXLEN", "~", ARGV[4], "*", "entry", ARGV[3])
return "ok"
`,
};
