import { luaScript } from "../lua-script";

/**
 * Ends a lookup atomically: stores the roles (unless a newer copy is already
 * there: responses can arrive out of order), sets the pacing lock, and frees
 * the in-flight lock if this lookup still owns it. What the answer means for
 * the whole egress IP (an invalid request, a Cloudflare ban) the REST client
 * has already recorded.
 *
 * KEYS[1]  discord_roles_<guild>_<user>                     (cached roles)
 * KEYS[2]  discord_roles_<guild>_<userDigest>_retry-after   (pacing / rate-limit lock, per user)
 * KEYS[3]  discord_roles_<guild>_<user>_inflight
 * ARGV[1]  owner id of this lookup
 * ARGV[2]  JSON of the roles snapshot (with numeric fetchedAt), or "" to leave the cache alone
 * ARGV[3]  cache TTL, seconds
 * ARGV[4]  pacing lock TTL, milliseconds (0: no lock)
 * ARGV[5]  why the lock is set ("paced", "rate-limited", "discord-error"), stored as its value
 *
 * Returns 1 when the snapshot was stored, 0 when it was not.
 */
export const rolesFinishLookupScript = luaScript({
  name: "safaRolesFinishLookup",
  keys: ["cacheKey", "lockKey", "inflightKey"],
  args: ["owner", "snapshot", "cacheTtlSeconds", "lockTtlMs", "lockReason"],
  body: `
local lockMs = tonumber(lockTtlMs)
local stored = 0
if snapshot ~= "" then
  local incoming = cjson.decode(snapshot)
  local current = redis.call("GET", cacheKey)
  local newer = true
  if current then
    local ok, existing = pcall(cjson.decode, current)
    if ok and type(existing) == "table" and tonumber(existing.fetchedAt) and tonumber(existing.fetchedAt) > tonumber(incoming.fetchedAt) then
      newer = false
    end
  end
  if newer then
    redis.call("SET", cacheKey, snapshot, "EX", cacheTtlSeconds)
    stored = 1
  end
end
if lockMs > 0 then
  redis.call("SET", lockKey, lockReason, "PX", lockMs)
end
if redis.call("GET", inflightKey) == owner then
  redis.call("DEL", inflightKey)
end
return stored
`,
});
