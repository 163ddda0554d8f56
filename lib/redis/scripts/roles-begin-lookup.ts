import type { LuaScript } from "./index";

/**
 * Decides, atomically across processes, who may ask Discord for a user's
 * roles right now, and hands back the cached copy in the same round trip.
 *
 * KEYS[1]  discord_roles_<guild>_<tokenDigest>_retry-after  (pacing / rate-limit lock)
 * KEYS[2]  discord_roles_<guild>_<user>_inflight            (one lookup in flight per user)
 * KEYS[3]  discord_roles_<guild>_<user>                     (cached roles)
 * KEYS[4]  the egress IP's Cloudflare ban breaker, shared with the REST client (string with a TTL)
 * ARGV[1]  owner id of this lookup
 * ARGV[2]  lease of the in-flight lock, milliseconds
 *
 * Returns { decision, cached or nil, milliseconds, lock reason or nil }:
 *   "paced" : the lock key (or the ban breaker) lives; ms = its remaining TTL; reason = why; serve the cache
 *   "owner" : this lookup may call Discord
 *   "wait"  : another lookup is in flight; ms = its remaining lease
 */
export const rolesBeginLookupScript: LuaScript = {
  name: "safaRolesBeginLookup",
  numberOfKeys: 4,
  lua: `
local cached = redis.call("GET", KEYS[3])
local banned = redis.call("PTTL", KEYS[4])
if banned > 0 then
  return { "paced", cached, banned, "cloudflare-ban" }
end
local paced = redis.call("PTTL", KEYS[1])
if paced > 0 then
  return { "paced", cached, paced, redis.call("GET", KEYS[1]) }
end
if redis.call("SET", KEYS[2], ARGV[1], "PX", ARGV[2], "NX") then
  return { "owner", cached, 0 }
end
return { "wait", cached, redis.call("PTTL", KEYS[2]) }
`,
};
