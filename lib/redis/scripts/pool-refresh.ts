import { luaScript } from "../lua-script";

/**
 * Rewrites a pool entry after its player saved their profile, only if they
 * are still in the pool: a save never puts anyone in it.
 *
 * KEYS[1]  <prefix>pool        (hash: user id -> pool entry)
 * ARGV[1]  user id
 * ARGV[2]  pool entry (lib/pool/entry.ts)
 * Returns 1 when rewritten, 0 when the player is not in the pool.
 */
export const poolRefreshScript = luaScript({
  name: "safaPoolRefresh",
  keys: ["poolKey"],
  args: ["userId", "entry"],
  body: `
if redis.call("HEXISTS", poolKey, userId) == 0 then return 0 end
redis.call("HSET", poolKey, userId, entry)
return 1
`,
});
