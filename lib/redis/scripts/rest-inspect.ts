import { luaScript } from "../lua-script";

/**
 * Reads the shared limiter state for an admin health panel, without changing
 * it: buckets close to their limit, 429s and invalid requests in the window,
 * the breakers, and the global window's use.
 *
 * KEYS[1] bucket registry: ZSET of bucket keys, score = last answer ms
 * KEYS[2] 429 log: ZSET of `kind|route key|lease id`, score ms
 * KEYS[3] invalid-request log of the egress IP: ZSET, score ms
 * KEYS[4] Cloudflare ban breaker of the egress IP
 * KEYS[5] global block of the bot token
 * KEYS[6] token-invalid flag of the bot token
 * KEYS[7] global log of the bot token: ZSET, score ms
 * ARGV[1] window of the 429 and invalid counts, ms
 * ARGV[2] a bucket is near its limit with at most this share left (0..1)
 * ARGV[3] global window ms
 * ARGV[4] most buckets to examine (the most recently answered)
 *
 * Returns {nearBuckets, rateLimitKinds, invalidCount, banMs, globalBlockMs, tokenInvalid, globalUsed}
 * where nearBuckets is a list of {key, limit, remaining, resetInMs, inFlight, blockedMs}
 * and rateLimitKinds is a flat list of kind, count pairs.
 */
export const restInspectScript = luaScript({
  name: "restInspect",
  keys: [
    "bucketRegistryKey",
    "rateLimitLogKey",
    "invalidLogKey",
    "cloudflareBanKey",
    "globalBlockKey",
    "tokenInvalidKey",
    "globalLogKey",
  ],
  args: ["windowMs", "nearShare", "globalWindowMs", "bucketsMax"],
  readOnly: true,
  body: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local since = now - tonumber(windowMs)
local share = tonumber(nearShare)

local near = {}
local keys = redis.call('ZREVRANGEBYSCORE', bucketRegistryKey, '+inf', since, 'LIMIT', 0, tonumber(bucketsMax))
for _, key in ipairs(keys) do
  local s = redis.call('HMGET', key, 'limit', 'remaining', 'resetAt', 'blockedUntil')
  local limit = tonumber(s[1])
  local remaining = tonumber(s[2]) or 0
  local resetIn = math.max((tonumber(s[3]) or 0) - now, 0)
  local blocked = math.max((tonumber(s[4]) or 0) - now, 0)
  local inFlight = redis.call('ZCOUNT', key .. ':leases', now, '+inf')
  local low = limit ~= nil and resetIn > 0 and remaining <= math.floor(limit * share)
  if low or blocked > 0 then
    table.insert(near, {key, limit or 0, remaining, resetIn, inFlight, blocked})
  end
end

local kinds = {}
local order = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', rateLimitLogKey, since, '+inf')) do
  local kind = string.match(member, '^([^|]+)')
  if kinds[kind] == nil then
    kinds[kind] = 0
    table.insert(order, kind)
  end
  kinds[kind] = kinds[kind] + 1
end
local flat = {}
for _, kind in ipairs(order) do
  table.insert(flat, kind)
  table.insert(flat, kinds[kind])
end

return {
  near,
  flat,
  redis.call('ZCOUNT', invalidLogKey, since, '+inf'),
  math.max(redis.call('PTTL', cloudflareBanKey), 0),
  math.max(redis.call('PTTL', globalBlockKey), 0),
  redis.call('EXISTS', tokenInvalidKey),
  redis.call('ZCOUNT', globalLogKey, now - tonumber(globalWindowMs), '+inf'),
}
`,
});
