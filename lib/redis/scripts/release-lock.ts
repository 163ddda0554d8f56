import { luaScript } from "../lua-script";

/**
 * Deletes a lock only if this owner still holds it, so a holder whose lease
 * expired cannot release a lock that another process has taken since.
 *
 * KEYS[1]  the lock key
 * ARGV[1]  the owner id written when the lock was taken
 * Returns 1 when released, 0 when the lock was not ours (or gone).
 */
export const releaseLockScript = luaScript({
  name: "safaReleaseLock",
  keys: ["lockKey"],
  args: ["owner"],
  body: `
if redis.call("GET", lockKey) == owner then
  return redis.call("DEL", lockKey)
end
return 0
`,
});
