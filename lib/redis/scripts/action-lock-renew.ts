import type { LuaScript } from "./index";

/**
 * Extends an action lock's lease only while this owner still holds it, so a
 * long action keeps its lock and a finished or expired one never revives it.
 *
 * KEYS[1]  <prefix>lock:<subject>
 * ARGV[1]  owner id
 * ARGV[2]  new lease, milliseconds
 * Returns 1 when extended, 0 when the lock is not ours.
 */
export const actionLockRenewScript: LuaScript = {
  name: "safaActionLockRenew",
  numberOfKeys: 1,
  lua: `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0
`,
};
