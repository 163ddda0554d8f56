import { luaScript } from "../lua-script";

/**
 * Decides, atomically across processes, who may ask Discord for a user's
 * roles right now, and hands back the cached copy in the same round trip.
 * The egress IP's ban breaker is not read here: it belongs to the REST
 * client, and the role service asks it through `DiscordRest.egress()`.
 *
 * KEYS[1]  discord_roles_<guild>_<userDigest>_retry-after   (pacing / rate-limit lock, per user)
 * KEYS[2]  discord_roles_<guild>_<user>_inflight            (one lookup in flight per user)
 * KEYS[3]  discord_roles_<guild>_<user>                     (cached roles)
 * ARGV[1]  owner id of this lookup
 * ARGV[2]  lease of the in-flight lock, milliseconds
 *
 * Returns { decision, cached or nil, milliseconds, lock reason or nil }:
 *   "paced" : the lock key lives; ms = its remaining TTL; reason = why; serve the cache
 *   "owner" : this lookup may call Discord
 *   "wait"  : another lookup is in flight; ms = its remaining lease
 */
export const rolesBeginLookupScript = luaScript({
  name: "safaRolesBeginLookup",
  keys: ["lockKey", "inflightKey", "cacheKey"],
  args: ["owner", "leaseMs"],
  body: `
local cached = redis.call("GET", cacheKey)
local paced = redis.call("PTTL", lockKey)
if paced > 0 then
  return { "paced", cached, paced, redis.call("GET", lockKey) }
end
if redis.call("SET", inflightKey, owner, "PX", leaseMs, "NX") then
  return { "owner", cached, 0 }
end
return { "wait", cached, redis.call("PTTL", inflightKey) }
`,
});
