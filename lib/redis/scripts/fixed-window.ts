import { luaScript } from "../lua-script";

/**
 * Counts one hit in a fixed window and reports whether it is allowed.
 *
 * KEYS[1]  the counter key (policy name + subject)
 * ARGV[1]  window length, milliseconds
 * ARGV[2]  hits allowed per window
 * Returns { allowed (1/0), hits so far, milliseconds until the window resets }.
 */
export const fixedWindowScript = luaScript({
  name: "safaFixedWindow",
  keys: ["counterKey"],
  args: ["windowMs", "hitsMax"],
  body: `
local hits = redis.call("INCR", counterKey)
if hits == 1 then
  redis.call("PEXPIRE", counterKey, windowMs)
end
local ttl = redis.call("PTTL", counterKey)
if ttl < 0 then
  redis.call("PEXPIRE", counterKey, windowMs)
  ttl = tonumber(windowMs)
end
if hits > tonumber(hitsMax) then
  return { 0, hits, ttl }
end
return { 1, hits, ttl }
`,
});
