import { luaScript } from "../lua-script";

/**
 * Extends an action lock's lease only while this owner still holds it, so a
 * long action keeps its lock and a finished or expired one never revives it.
 *
 * KEYS[1]  <prefix>lock:<subject>
 * ARGV[1]  owner id
 * ARGV[2]  new lease, milliseconds
 * Returns 1 when extended, 0 when the lock is not ours.
 */
export const actionLockRenewScript = luaScript({
  name: "safaActionLockRenew",
  keys: ["lockKey"],
  args: ["owner", "leaseMs"],
  body: `
if redis.call("GET", lockKey) == owner then
  return redis.call("PEXPIRE", lockKey, leaseMs)
end
return 0
`,
});
