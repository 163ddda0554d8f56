import type { LuaScript } from "./index";

/**
 * Counts one hit in a fixed window and reports whether it is allowed.
 *
 * KEYS[1]  the counter key (policy name + subject)
 * ARGV[1]  window length, milliseconds
 * ARGV[2]  hits allowed per window
 * Returns { allowed (1/0), hits so far, milliseconds until the window resets }.
 */
export const fixedWindowScript: LuaScript = {
  name: "safaFixedWindow",
  numberOfKeys: 1,
  lua: `
local hits = redis.call("INCR", KEYS[1])
if hits == 1 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
end
local ttl = redis.call("PTTL", KEYS[1])
if ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  return { 0, hits, ttl }
end
return { 1, hits, ttl }
`,
};
