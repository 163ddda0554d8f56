import { luaScript } from "../lua-script";

/**
 * Records Discord's answer to a leased request, atomically: frees the lease,
 * dates the request in the global window, learns the route's bucket hash, updates the bucket from the rate-limit
 * headers, applies a 429 to the right scope, counts invalid requests for the
 * egress IP, and wakes waiters in every process.
 *
 * Answers arrive out of order, so within one window an answer can only lower
 * `remaining`; the window's reset is taken from `Reset-After` measured on
 * Redis' clock when the answer is recorded, which is never earlier than the
 * real reset. An answer from an earlier window (its lease's generation is
 * stale) only teaches the limit: requests still in flight were already taken
 * off when the window rolled over. An answer to a request sent while its
 * route was still unmapped takes one more slot off the bucket it maps to.
 *
 * KEYS[1] route map: string, the route's learned bucket hash
 * KEYS[2] global block: string with a TTL
 * KEYS[3] sub-limit block of this route key: string with a TTL
 * KEYS[4] Cloudflare ban breaker of the egress IP
 * KEYS[5] invalid-request log of the egress IP: ZSET, score ms
 * KEYS[6] token-invalid flag of the bot token
 * KEYS[7] 429 log: ZSET of `kind|route key|lease id`, score ms
 * KEYS[8] bucket registry: ZSET of bucket keys, score = last answer ms
 * KEYS[9] unmapped leases of this major parameter: ZSET, see rest-acquire
 * KEYS[10] global log of the token: ZSET, see rest-acquire
 * ARGV[1] bucket key prefix
 * ARGV[2] bucket id the lease was granted on
 * ARGV[3] major parameter
 * ARGV[4] lease id
 * ARGV[5] lease generation
 * ARGV[6] X-RateLimit-Bucket, '' when absent
 * ARGV[7] X-RateLimit-Limit, '' when absent
 * ARGV[8] X-RateLimit-Remaining, '' when absent
 * ARGV[9] X-RateLimit-Reset-After in ms, '' when absent
 * ARGV[10] 429 kind: '' (not a 429), global, user, shared, sublimit or cloudflare
 * ARGV[11] retry after ms (429 only)
 * ARGV[12] '1' when the answer counts as an invalid request
 * ARGV[13] '1' when Discord rejected the bot token
 * ARGV[14] invalid-request window ms
 * ARGV[15] 429 log window ms
 * ARGV[16] how long a rejected bot token stops every process, ms
 * ARGV[17] route mapping TTL ms
 * ARGV[18] idle TTL of bucket state ms
 * ARGV[19] wake-up channel
 * ARGV[20] route key, for the 429 log
 *
 * Returns {invalidCount, bucketId}: invalidCount is 0 when the answer was not invalid.
 */
export const restSettleScript = luaScript({
  name: "restSettle",
  keys: [
    "routeMapKey",
    "globalBlockKey",
    "subBlockKey",
    "cloudflareBanKey",
    "invalidLogKey",
    "tokenInvalidKey",
    "rateLimitLogKey",
    "bucketRegistryKey",
    "unmappedKey",
    "globalLogKey",
  ],
  args: [
    "bucketPrefix",
    "grantedOn",
    "major",
    "leaseId",
    "leaseGeneration",
    "bucketHash",
    "headerLimit",
    "headerRemaining",
    "headerResetAfterMs",
    "kind",
    "retryAfterMs",
    "countsInvalid",
    "botTokenRejected",
    "invalidWindowMs",
    "rateLimitLogWindowMs",
    "tokenInvalidHoldMs",
    "routeMappingTtlMs",
    "bucketIdleTtlMs",
    "wakeChannel",
    "routeKey",
  ],
  body: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucketId = grantedOn
local gen = tonumber(leaseGeneration)

redis.call('ZREM', bucketPrefix .. grantedOn .. ':leases', leaseId)
redis.call('ZREM', unmappedKey, leaseId)
-- Discord processed the request before its answer arrived: from now on the
-- global window counts it from this moment, however long it travelled.
redis.call('ZADD', globalLogKey, 'XX', now, leaseId)

if bucketHash ~= '' then
  redis.call('SET', routeMapKey, bucketHash, 'PX', tonumber(routeMappingTtlMs))
  local target = bucketHash .. ':' .. major
  if target ~= bucketId then
    -- Learned now, or Discord moved the route to another bucket: the lease's
    -- generation belongs to the old bucket.
    bucketId = target
    gen = -1
  end
end
local key = bucketPrefix .. bucketId
local idleTtl = tonumber(bucketIdleTtlMs)

local limit = tonumber(headerLimit)
local remaining = tonumber(headerRemaining)
local resetAfter = tonumber(headerResetAfterMs)
if limit and remaining and resetAfter and limit > 0 then
  local state = redis.call('HMGET', key, 'limit', 'remaining', 'resetAt', 'resetKnown', 'gen', 'windowMs')
  local answeredReset = now + resetAfter
  local windowMs = math.max(tonumber(state[6]) or 0, resetAfter)
  if state[1] == false then
    -- First answer for this bucket: it was single-flight, so only expired leases can be live.
    redis.call('ZREMRANGEBYSCORE', key .. ':leases', '-inf', now)
    local live = redis.call('ZCARD', key .. ':leases')
    redis.call('HSET', key, 'limit', limit, 'remaining', math.max(remaining - live, 0),
      'resetAt', answeredReset, 'resetKnown', 1, 'gen', (tonumber(state[5]) or 0) + 1, 'windowMs', windowMs)
  elseif tonumber(state[5]) == gen then
    local storedRemaining = tonumber(state[2]) or 0
    local resetAt = answeredReset
    if state[4] == '1' then resetAt = math.max(tonumber(state[3]) or 0, answeredReset) end
    redis.call('HSET', key, 'limit', limit, 'remaining', math.min(storedRemaining, remaining),
      'resetAt', resetAt, 'resetKnown', 1, 'windowMs', windowMs)
  elseif gen == -1 then
    -- The request was sent before its route's hash was known, so the bucket
    -- never counted it: take it off now (conservative if its window is over).
    local storedRemaining = tonumber(state[2]) or 0
    redis.call('HSET', key, 'limit', limit, 'remaining', math.max(math.min(storedRemaining - 1, remaining), 0), 'windowMs', windowMs)
    if state[4] == '1' then
      redis.call('HSET', key, 'resetAt', math.max(tonumber(state[3]) or 0, answeredReset))
    end
  else
    redis.call('HSET', key, 'limit', limit, 'windowMs', windowMs)
  end
  redis.call('PEXPIRE', key, idleTtl)
  redis.call('ZADD', bucketRegistryKey, now, key)
end

local retryAfter = tonumber(retryAfterMs) or 0
if kind == 'cloudflare' then
  if redis.call('PTTL', cloudflareBanKey) < retryAfter then redis.call('SET', cloudflareBanKey, '1', 'PX', retryAfter) end
elseif kind == 'global' then
  if redis.call('PTTL', globalBlockKey) < retryAfter then redis.call('SET', globalBlockKey, '1', 'PX', retryAfter) end
elseif kind == 'sublimit' then
  if redis.call('PTTL', subBlockKey) < retryAfter then redis.call('SET', subBlockKey, '1', 'PX', retryAfter) end
elseif kind == 'shared' then
  local blocked = math.max(tonumber(redis.call('HGET', key, 'blockedUntil')) or 0, now + retryAfter)
  redis.call('HSET', key, 'blockedUntil', blocked)
  redis.call('PEXPIRE', key, idleTtl)
elseif kind == 'user' then
  local state = redis.call('HMGET', key, 'limit', 'resetAt', 'resetKnown')
  if state[1] == false then
    local blocked = math.max(tonumber(redis.call('HGET', key, 'blockedUntil')) or 0, now + retryAfter)
    redis.call('HSET', key, 'blockedUntil', blocked)
  else
    local resetAt = now + retryAfter
    if state[3] == '1' then resetAt = math.max(tonumber(state[2]) or 0, resetAt) end
    redis.call('HSET', key, 'remaining', 0, 'resetAt', resetAt, 'resetKnown', 1)
  end
  redis.call('PEXPIRE', key, idleTtl)
end

if kind ~= '' then
  local window = tonumber(rateLimitLogWindowMs)
  redis.call('ZADD', rateLimitLogKey, now, kind .. '|' .. routeKey .. '|' .. leaseId)
  redis.call('ZREMRANGEBYSCORE', rateLimitLogKey, '-inf', now - window)
  redis.call('PEXPIRE', rateLimitLogKey, window)
  redis.call('ZADD', bucketRegistryKey, now, key)
end

local invalid = 0
if countsInvalid == '1' then
  local window = tonumber(invalidWindowMs)
  redis.call('ZADD', invalidLogKey, now, leaseId)
  redis.call('ZREMRANGEBYSCORE', invalidLogKey, '-inf', now - window)
  redis.call('PEXPIRE', invalidLogKey, window)
  invalid = redis.call('ZCARD', invalidLogKey)
end
if botTokenRejected == '1' then
  redis.call('SET', tokenInvalidKey, '1', 'PX', tonumber(tokenInvalidHoldMs))
end

redis.call('ZREMRANGEBYSCORE', bucketRegistryKey, '-inf', now - tonumber(rateLimitLogWindowMs))
redis.call('PUBLISH', wakeChannel, bucketPrefix .. grantedOn)
if bucketId ~= grantedOn then redis.call('PUBLISH', wakeChannel, key) end
return {invalid, bucketId}
`,
});
