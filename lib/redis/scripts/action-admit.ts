import { luaScript } from "../lua-script";

/**
 * Admits one action that will spend the bot's Discord budget, against two
 * token buckets at once: the user's own (so one user cannot take the whole
 * guild's share) and the guild's (the share of Discord's role-change budget
 * the users' actions may spend). The user's is asked first, so a user over
 * their cap takes nothing from the guild's. A bucket is a hash of `tokens`
 * and `at` (epoch ms of the last refill), dropped once it would be full again.
 *
 * KEYS[1]  the user's bucket   (<prefix>admission:user:<id>)
 * KEYS[2]  the guild's bucket  (<prefix>admission:guild)
 * ARGV[1]  now, epoch milliseconds
 * ARGV[2]  user bucket: tokens added per second
 * ARGV[3]  user bucket: capacity (burst)
 * ARGV[4]  guild bucket: tokens added per second
 * ARGV[5]  guild bucket: capacity (burst)
 * Returns { 1, 0, "" } when admitted, or { 0, milliseconds until a token is there, "user" or "guild" }.
 */
export const actionAdmitScript = luaScript({
  name: "safaActionAdmit",
  keys: ["userKey", "guildKey"],
  args: ["nowMs", "userRatePerSecond", "userBurst", "guildRatePerSecond", "guildBurst"],
  body: `
local now = tonumber(nowMs)
local buckets = {
  { key = userKey, rate = tonumber(userRatePerSecond), burst = tonumber(userBurst), name = "user" },
  { key = guildKey, rate = tonumber(guildRatePerSecond), burst = tonumber(guildBurst), name = "guild" },
}
for _, bucket in ipairs(buckets) do
  local state = redis.call("HMGET", bucket.key, "tokens", "at")
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if tokens == nil or at == nil then tokens, at = bucket.burst, now end
  tokens = math.min(bucket.burst, tokens + math.max(0, now - at) * bucket.rate / 1000)
  bucket.tokens = tokens
  if tokens < 1 then
    return { 0, math.ceil((1 - tokens) * 1000 / bucket.rate), bucket.name }
  end
end
for _, bucket in ipairs(buckets) do
  local left = bucket.tokens - 1
  redis.call("HSET", bucket.key, "tokens", tostring(left), "at", tostring(now))
  redis.call("PEXPIRE", bucket.key, math.ceil((bucket.burst - left) * 1000 / bucket.rate) + 1000)
end
return { 1, 0, "" }
`,
});
