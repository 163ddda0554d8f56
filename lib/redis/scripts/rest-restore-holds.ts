import { luaScript } from "../lua-script";

/**
 * After the Redis primary changed, sets again the holds one process itself
 * set and remembers (hold-memory): the Cloudflare ban of the egress IP,
 * sub-limit blocks, a rejected token. Without them the promoted copy would
 * let every process send during a ban (extending it) or with a dead token
 * (each 401 counting toward Discord's invalid-request ban).
 *
 * A missing key is set with the time its hold has left; a key that is there
 * only gets a longer expiry (PEXPIRE GT), so a longer hold another process
 * set since is never shortened, and one without expiry stays so. Times left,
 * not deadlines, are passed: the new primary's clock is the one that counts.
 *
 * The keys are the caller's memory and passed as data, as in
 * rest-distrust-buckets: this needs a standalone Redis, not Cluster.
 *
 * ARGV[1] JSON array of [key, value, leftMs] of this process's holds
 *
 * Returns how many holds were set again or lengthened.
 */
export const restRestoreHoldsScript = luaScript({
  name: "safaRestRestoreHolds",
  keys: [],
  args: ["holdsJson"],
  body: `
local restored = 0
for _, hold in ipairs(cjson.decode(holdsJson)) do
  local key, value, left = hold[1], hold[2], math.floor(tonumber(hold[3]) or 0)
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
