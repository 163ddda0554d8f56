import { luaScript } from "../lua-script";

/**
 * After the Redis primary changed, puts back what a rollback may have taken
 * from the counts that protect the whole egress IP and bot token:
 *
 * - the invalid-request log: the entries this process wrote itself in the
 *   window (same members, same ages) are added again where missing, so the
 *   shared count ends at least at what this process alone saw; every
 *   process doing the same restores the union of what they saw;
 * - the global window of the bot token: treated as full for one window
 *   (the requests of the last moment before the switch may be missing from
 *   it), unless a longer global block is already set.
 *
 * Ages, not times, are passed: the new primary's clock is the one that counts.
 *
 * KEYS[1] invalid-request log of the egress IP: ZSET, score ms
 * KEYS[2] global block of the bot token: string with a TTL
 * ARGV[1] JSON array of [member, ageMs] of this process's invalid requests
 * ARGV[2] invalid-request window ms
 * ARGV[3] how long to hold the global window, ms (0: not at all)
 *
 * Returns {restored, count}: entries added back, and the invalid-request count now.
 */
export const restRestoreEgressScript = luaScript({
  name: "restRestoreEgress",
  keys: ["invalidLogKey", "globalBlockKey"],
  args: ["entriesJson", "invalidWindowMs", "globalHoldMs"],
  body: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(invalidWindowMs)
local restored = 0
for _, entry in ipairs(cjson.decode(entriesJson)) do
  local age = tonumber(entry[2])
  if age ~= nil and age >= 0 and age < window then
    restored = restored + redis.call('ZADD', invalidLogKey, 'NX', now - age, entry[1])
  end
end
redis.call('ZREMRANGEBYSCORE', invalidLogKey, '-inf', now - window)
local count = redis.call('ZCARD', invalidLogKey)
if count > 0 then redis.call('PEXPIRE', invalidLogKey, window) end
local hold = tonumber(globalHoldMs)
if hold > 0 and redis.call('PTTL', globalBlockKey) < hold then
  redis.call('SET', globalBlockKey, '1', 'PX', hold)
end
return {restored, count}
`,
});
