import type { LuaScript } from "./index";

/**
 * Deletes a lock only if this owner still holds it, so a holder whose lease
 * expired cannot release a lock that another process has taken since.
 *
 * KEYS[1]  the lock key
 * ARGV[1]  the owner id written when the lock was taken
 * Returns 1 when released, 0 when the lock was not ours (or gone).
 */
export const releaseLockScript: LuaScript = {
  name: "safaReleaseLock",
  numberOfKeys: 1,
  lua: `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
`,
};
