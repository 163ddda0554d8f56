import { luaScript } from "../lua-script";

/**
 * Reserves one request slot for the Discord REST client, atomically across
 * every process sharing the bot token: the token and IP breakers, the
 * invalid-request budget, the global limit and the route's bucket are checked
 * and the slot is taken in one step, on Redis' clock.
 *
 * A granted slot is a lease: it carries an expiry, so a process that crashes
 * mid-request cannot hold a single-flight bucket forever.
 *
 * Bucket keys are derived inside the script from the learned route-to-bucket
 * mapping (bucketPrefix .. bucketId), so the script needs a standalone Redis, not
 * Redis Cluster.
 *
 * KEYS[1] global log: ZSET of requests in the sliding global window, member lease id, score =
 *         when Discord had surely seen it: the answer's arrival once answered, and until then
 *         the lease's expiry (a request in flight may reach Discord at any moment)
 * KEYS[2] global block: string set for `retry_after` after a global 429
 * KEYS[3] route map: string, the route's learned `X-RateLimit-Bucket` hash
 * KEYS[4] sub-limit block of this route key: string set after a 429 that showed remaining > 0
 * KEYS[5] Cloudflare ban breaker of the egress IP: string with a TTL
 * KEYS[6] invalid-request log of the egress IP: ZSET, score ms
 * KEYS[7] token-invalid flag of the bot token: string with a TTL
 * KEYS[8] unmapped leases of this major parameter: ZSET (member lease id, score expiry ms) of
 *         requests in flight on routes whose hash is not known yet; they may belong to any
 *         bucket of this major, so every bucket keeps a slot free for each of them
 * ARGV[1] bucket key prefix (state at prefix .. bucketId, leases at prefix .. bucketId .. ':leases')
 * ARGV[2] major parameter
 * ARGV[3] route key, the temporary bucket id while the route's hash is unknown
 * ARGV[4] lease id (unique per attempt)
 * ARGV[5] lease TTL ms
 * ARGV[6] global limit per window, 0 when the route is exempt
 * ARGV[7] global window ms
 * ARGV[8] invalid requests at which new requests are refused
 * ARGV[9] invalid-request window ms
 * ARGV[10] idle TTL of bucket state ms
 *
 * Returns one of
 *   {0, bucketId, generation}                    granted
 *   {1, waitMs, reason, bucketKey, exact}        wait; reason global|sublimit|shared|bucket|pending;
 *                                                exact 0 means waitMs is an upper bound (an answer may free it sooner)
 *   {2, retryAfterMs}                            Cloudflare ban breaker open
 *   {3, invalidCount, retryAfterMs}              invalid-request budget spent
 *   {4}                                          bot token rejected
 */
export const restAcquireScript = luaScript({
  name: "restAcquire",
  keys: [
    "globalLogKey",
    "globalBlockKey",
    "routeMapKey",
    "subBlockKey",
    "cloudflareBanKey",
    "invalidLogKey",
    "tokenInvalidKey",
    "unmappedKey",
  ],
  args: [
    "bucketPrefix",
    "major",
    "routeKey",
    "leaseId",
    "leaseTtlMs",
    "globalLimitPerWindow",
    "globalWindowMs",
    "invalidRefuseAt",
    "invalidWindowMs",
    "bucketIdleTtlMs",
  ],
  body: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

if redis.call('EXISTS', tokenInvalidKey) == 1 then return {4} end
local ban = redis.call('PTTL', cloudflareBanKey)
if ban > 0 then return {2, ban} end

local invalidWindow = tonumber(invalidWindowMs)
local refuseAt = tonumber(invalidRefuseAt)
redis.call('ZREMRANGEBYSCORE', invalidLogKey, '-inf', now - invalidWindow)
local invalid = redis.call('ZCARD', invalidLogKey)
if invalid >= refuseAt then
  local entry = redis.call('ZRANGE', invalidLogKey, invalid - refuseAt, invalid - refuseAt, 'WITHSCORES')
  return {3, invalid, math.max(1, tonumber(entry[2]) + invalidWindow - now)}
end

local block = redis.call('PTTL', globalBlockKey)
if block > 0 then return {1, block, 'global', '', 1} end
local sub = redis.call('PTTL', subBlockKey)
if sub > 0 then return {1, sub, 'sublimit', '', 1} end

local hash = redis.call('GET', routeMapKey)
local bucketId
if hash then bucketId = hash .. ':' .. major else bucketId = 'route:' .. routeKey end
local bucketKey = bucketPrefix .. bucketId
local leasesKey = bucketKey .. ':leases'
local leaseTtl = tonumber(leaseTtlMs)

redis.call('ZREMRANGEBYSCORE', leasesKey, '-inf', now)
local live = redis.call('ZCARD', leasesKey)
local state = redis.call('HMGET', bucketKey, 'limit', 'remaining', 'resetAt', 'resetKnown', 'gen', 'windowMs', 'blockedUntil')
local limit = tonumber(state[1])
local remaining = tonumber(state[2]) or 0
local resetAt = tonumber(state[3]) or 0
local gen = tonumber(state[5]) or 0
local windowMs = tonumber(state[6]) or 0
local blockedUntil = tonumber(state[7]) or 0

if blockedUntil > now then return {1, blockedUntil - now, 'shared', bucketKey, 1} end

if limit == nil then
  -- Nothing learned yet: one request at a time until an answer tells us the limit.
  if live > 0 then
    local first = redis.call('ZRANGE', leasesKey, 0, 0, 'WITHSCORES')
    return {1, math.max(1, tonumber(first[2]) - now), 'pending', bucketKey, 0}
  end
else
  if now >= resetAt then
    -- A new window. Requests still in flight may land in it, so they are not given back.
    -- Its reset is unknown until an answer arrives; until then assume the longer of
    -- the learned window and the lease TTL.
    gen = gen + 1
    remaining = math.max(limit - live, 0)
    resetAt = now + math.max(windowMs, leaseTtl)
    redis.call('HSET', bucketKey, 'gen', gen, 'remaining', remaining, 'resetAt', resetAt, 'resetKnown', 0)
    state[4] = '0'
  end
  if remaining <= 0 then
    local exact = 0
    if state[4] == '1' then exact = 1 end
    return {1, math.max(1, resetAt - now), 'bucket', bucketKey, exact}
  end
  redis.call('ZREMRANGEBYSCORE', unmappedKey, '-inf', now)
  if remaining - redis.call('ZCARD', unmappedKey) <= 0 then
    local first = redis.call('ZRANGE', unmappedKey, 0, 0, 'WITHSCORES')
    return {1, math.max(1, math.min(tonumber(first[2]), resetAt) - now), 'bucket', bucketKey, 0}
  end
end

local globalLimit = tonumber(globalLimitPerWindow)
if globalLimit > 0 then
  local window = tonumber(globalWindowMs)
  redis.call('ZREMRANGEBYSCORE', globalLogKey, '-inf', now - window)
  local used = redis.call('ZCARD', globalLogKey)
  if used >= globalLimit then
    -- A slot frees when the entry at (used - limit) leaves the window. If that request is
    -- still in flight, assume its answer arrives now; its settle will say exactly.
    local oldest = redis.call('ZRANGE', globalLogKey, used - globalLimit, used - globalLimit, 'WITHSCORES')
    return {1, math.max(1, math.min(tonumber(oldest[2]), now) + window - now), 'global', '', 1}
  end
  redis.call('ZADD', globalLogKey, now + leaseTtl, leaseId)
  redis.call('PEXPIRE', globalLogKey, leaseTtl + window * 2)
end

if limit ~= nil then
  redis.call('HSET', bucketKey, 'remaining', remaining - 1)
  redis.call('PEXPIRE', bucketKey, tonumber(bucketIdleTtlMs))
end
redis.call('ZADD', leasesKey, now + leaseTtl, leaseId)
redis.call('PEXPIRE', leasesKey, leaseTtl * 2)
if not hash then
  redis.call('ZADD', unmappedKey, now + leaseTtl, leaseId)
  redis.call('PEXPIRE', unmappedKey, leaseTtl * 2)
end
return {0, bucketId, gen}
`,
});
