import { luaScript } from "../lua-script";

/**
 * Puts a free agent in the pool unless they are on a roster: checked in the
 * same step as the write, so a join committing meanwhile (which takes them
 * out of the pool) cannot be followed by a stale "looking" entry.
 *
 * KEYS[1]  <prefix>pool        (hash: user id -> pool entry)
 * KEYS[2]  <prefix>user-team
 * ARGV[1]  user id
 * ARGV[2]  pool entry (lib/pool/entry.ts)
 * Returns "ok", "exists" (already looking: nothing changed) or "in-team".
 */
export const poolEnterScript = luaScript({
  name: "safaPoolEnter",
  keys: ["poolKey", "userTeamKey"],
  args: ["userId", "entry"],
  body: `
if redis.call("HEXISTS", userTeamKey, userId) == 1 then return "in-team" end
if redis.call("HEXISTS", poolKey, userId) == 1 then return "exists" end
redis.call("HSET", poolKey, userId, entry)
return "ok"
`,
});
