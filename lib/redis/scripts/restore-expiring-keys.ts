import { luaScript } from "../lua-script";

/**
 * After the Redis primary changed, sets again the keys with an expiry one
 * process itself set and remembers (lib/redis/expiring-keys.ts): the REST
 * client's holds (a Cloudflare ban of the egress IP, sub-limit blocks, a
 * rejected token) and the role service's pacing locks. Without them the
 * promoted copy would let every process send during a ban (extending it),
 * with a dead token (each 401 counting toward Discord's invalid-request
 * ban), or look a user up again before their pace is over.
 *
 * A missing key is set with the time it has left; a key that is there only
 * gets a longer expiry (PEXPIRE GT), so a longer one another process set
 * since is never shortened, and one without expiry stays so. Times left,
 * not deadlines, are passed: the new primary's clock is the one that counts.
 *
 * The keys are the caller's memory and passed as data, as in
 * rest-distrust-buckets: this needs a standalone Redis, not Cluster.
 *
 * ARGV[1] JSON array of [key, value, leftMs]
 *
 * Returns how many keys were set again or lengthened.
 */
export const restoreExpiringKeysScript = luaScript({
  name: "safaRestoreExpiringKeys",
  keys: [],
  args: ["entriesJson"],
  body: `
local restored = 0
for _, entry in ipairs(cjson.decode(entriesJson)) do
  local key, value, left = entry[1], entry[2], math.floor(tonumber(entry[3]) or 0)
  if left > 0 then
    if redis.call('SET', key, value, 'PX', left, 'NX') then
      restored = restored + 1
    else
      restored = restored + redis.call('PEXPIRE', key, left, 'GT')
    end
  end
end
return restored
`,
});
