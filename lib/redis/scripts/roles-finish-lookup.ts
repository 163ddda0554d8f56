import type { LuaScript } from "./index";

/**
 * Ends a lookup atomically: stores the roles (unless a newer copy is already
 * there: responses can arrive out of order), sets the pacing lock, frees the
 * in-flight lock if this lookup still owns it, and records what the answer
 * means for the whole egress IP (an invalid request; a Cloudflare ban).
 *
 * KEYS[1]  discord_roles_<guild>_<user>                     (cached roles)
 * KEYS[2]  discord_roles_<guild>_<tokenDigest>_retry-after  (pacing / rate-limit lock)
 * KEYS[3]  discord_roles_<guild>_<user>_inflight
 * KEYS[4]  the egress IP's Cloudflare ban breaker, shared with the REST client
 * KEYS[5]  the egress IP's invalid-request log, shared with the REST client (ZSET, score ms)
 * ARGV[1]  owner id of this lookup
 * ARGV[2]  JSON of the roles snapshot (with numeric fetchedAt), or "" to leave the cache alone
 * ARGV[3]  cache TTL, seconds
 * ARGV[4]  pacing lock TTL, milliseconds (0: no lock)
 * ARGV[5]  why the lock is set ("paced", "rate-limited", "discord-error"), stored as its value
 * ARGV[6]  Cloudflare ban length, milliseconds (0: no ban)
 * ARGV[7]  "1" when the answer counts toward Discord's invalid-request limit (401, 403, non-shared 429)
 * ARGV[8]  invalid-request window, milliseconds
 *
 * Returns 1 when the snapshot was stored, 0 when it was not.
 */
export const rolesFinishLookupScript: LuaScript = {
  name: "safaRolesFinishLookup",
  numberOfKeys: 5,
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
if tonumber(ARGV[6]) > 0 and redis.call("PTTL", KEYS[4]) < tonumber(ARGV[6]) then
  redis.call("SET", KEYS[4], "role-lookup", "PX", ARGV[6])
end
if ARGV[7] == "1" then
  local time = redis.call("TIME")
  local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call("ZADD", KEYS[5], nowMs, "role-lookup|" .. ARGV[1])
  redis.call("ZREMRANGEBYSCORE", KEYS[5], "-inf", nowMs - tonumber(ARGV[8]))
  redis.call("PEXPIRE", KEYS[5], ARGV[8])
end
return stored
`,
};
