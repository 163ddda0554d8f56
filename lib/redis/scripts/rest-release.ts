import { luaScript } from "../lua-script";

/**
 * Gives a leased slot back without an answer from Discord: the request was
 * aborted or failed before it was sent, or failed after (then only the lease
 * is freed, because Discord may have counted the request).
 *
 * KEYS[1] global log of the token: ZSET, see rest-acquire
 * KEYS[2] unmapped leases of the request's major parameter: ZSET, see rest-acquire
 * ARGV[1] bucket key prefix
 * ARGV[2] bucket id the lease was granted on
 * ARGV[3] lease id
 * ARGV[4] lease generation
 * ARGV[5] '1' when the request provably never left this process
 * ARGV[6] wake-up channel
 *
 * Returns 1.
 */
export const restReleaseScript = luaScript({
  name: "restRelease",
  keys: ["globalLogKey", "unmappedKey"],
  args: ["bucketPrefix", "grantedOn", "leaseId", "leaseGeneration", "notSent", "wakeChannel"],
  body: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local key = bucketPrefix .. grantedOn
local removed = redis.call('ZREM', key .. ':leases', leaseId)
redis.call('ZREM', unmappedKey, leaseId)
if notSent ~= '1' then
  -- It may have reached Discord just now: count it in the global window from now.
  redis.call('ZADD', globalLogKey, 'XX', now, leaseId)
elseif removed == 1 then
  redis.call('ZREM', globalLogKey, leaseId)
  local state = redis.call('HMGET', key, 'limit', 'remaining', 'gen')
  local limit = tonumber(state[1])
  if limit and tonumber(state[3]) == tonumber(leaseGeneration) and (tonumber(state[2]) or 0) < limit then
    redis.call('HINCRBY', key, 'remaining', 1)
  end
end
redis.call('PUBLISH', wakeChannel, key)
return 1
`,
});
