import { luaScript } from "../lua-script";

/**
 * After the Redis primary changed, the REST buckets it holds may be older
 * than what Discord knows: a promoted replica may have missed the last
 * requests that spent them. So every learned bucket is treated as spent
 * until its stored reset, which is never earlier than Discord's for the
 * window it describes; a bucket whose reset has passed may be in a window
 * the old primary started and the new one never heard of, so it forgets its
 * limit and sends one request at a time until Discord's headers tell it
 * again (rest-acquire's "nothing learned yet" path). A 429 block
 * (`blockedUntil`) and the learned window length stay as they are.
 *
 * The bucket keys are found by the caller (SCAN) and passed as data: like
 * rest-acquire, this needs a standalone Redis, not Cluster.
 *
 * ARGV[1] JSON array of bucket state keys (hashes)
 *
 * Returns {exhausted, cold}: how many buckets were held until their reset, and how many made cold.
 */
export const restDistrustBucketsScript = luaScript({
  name: "restDistrustBuckets",
  keys: [],
  args: ["bucketKeysJson"],
  body: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local exhausted, cold = 0, 0
for _, key in ipairs(cjson.decode(bucketKeysJson)) do
  if redis.call('TYPE', key)['ok'] == 'hash' then
    local state = redis.call('HMGET', key, 'limit', 'resetAt')
    if state[1] then
      if (tonumber(state[2]) or 0) > now then
        redis.call('HSET', key, 'remaining', 0)
        exhausted = exhausted + 1
      else
        redis.call('HDEL', key, 'limit', 'remaining', 'resetAt', 'resetKnown')
        cold = cold + 1
      end
    end
  end
end
return {exhausted, cold}
`,
});
