import { luaScript } from "../lua-script";

/**
 * Records, for every process, what one answer sent outside the buckets (a
 * user's lookup through `DiscordRest.attempt`) means for the egress IP:
 * Discord counts invalid requests and Cloudflare bans per IP, whichever
 * token a request carried.
 *
 * KEYS[1] Cloudflare ban breaker of the egress IP: string with a TTL
 * KEYS[2] invalid-request log of the egress IP: ZSET, score ms
 * ARGV[1] ban length ms, 0 when the answer was not a ban
 * ARGV[2] '1' when the answer counts as an invalid request
 * ARGV[3] invalid-request window ms
 * ARGV[4] member of the invalid-request log, unique per answer
 *
 * Returns the invalid-request count of the window, 0 when the answer was not invalid.
 */
export const restEgressRecordScript = luaScript({
  name: "restEgressRecord",
  keys: ["banKey", "invalidKey"],
  args: ["banLengthMs", "invalid", "invalidWindowMs", "member"],
  body: `
local banMs, windowMs = tonumber(banLengthMs), tonumber(invalidWindowMs)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

if banMs > 0 and redis.call('PTTL', banKey) < banMs then
  redis.call('SET', banKey, '1', 'PX', banMs)
end
if invalid ~= '1' then
  return 0
end
redis.call('ZADD', invalidKey, now, member)
redis.call('ZREMRANGEBYSCORE', invalidKey, '-inf', now - windowMs)
redis.call('PEXPIRE', invalidKey, windowMs)
return redis.call('ZCARD', invalidKey)
`,
});
