import type { LuaScript } from "./index";

/**
 * Ends a lookup atomically: stores the roles (unless a newer copy is already
 * there: responses can arrive out of order), sets the pacing lock, and frees
 * the in-flight lock if this lookup still owns it.
 *
 * KEYS[1]  discord_roles_<guild>_<user>                     (cached roles)
 * KEYS[2]  discord_roles_<guild>_<tokenDigest>_retry-after  (pacing / rate-limit lock)
 * KEYS[3]  discord_roles_<guild>_<user>_inflight
 * ARGV[1]  owner id of this lookup
 * ARGV[2]  JSON of the roles snapshot (with numeric fetchedAt), or "" to leave the cache alone
 * ARGV[3]  cache TTL, seconds
 * ARGV[4]  pacing lock TTL, milliseconds (0: no lock)
 * ARGV[5]  why the lock is set ("paced", "rate-limited", "discord-error"), stored as its value
 *
 * Returns 1 when the snapshot was stored, 0 when it was not.
 */
export const rolesFinishLookupScript: LuaScript = {
  name: "safaRolesFinishLookup",
  numberOfKeys: 3,
  lua: `
local stored = 0
if ARGV[2] ~= "" then
  local incoming = cjson.decode(ARGV[2])
  local current = redis.call("GET", KEYS[1])
  local newer = true
  if current then
    local ok, existing = pcall(cjson.decode, current)
    if ok and type(existing) == "table" and tonumber(existing.fetchedAt) and tonumber(existing.fetchedAt) > tonumber(incoming.fetchedAt) then
      newer = false
    end
  end
  if newer then
    redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[3])
    stored = 1
  end
end
if tonumber(ARGV[4]) > 0 then
  redis.call("SET", KEYS[2], ARGV[5], "PX", ARGV[4])
end
if redis.call("GET", KEYS[3]) == ARGV[1] then
  redis.call("DEL", KEYS[3])
end
return stored
`,
};
