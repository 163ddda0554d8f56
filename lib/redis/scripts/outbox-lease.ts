import { luaScript } from "../lua-script";

/**
 * Takes or keeps the right to post the outbox into the transactions channel:
 * one drainer at a time, so announcements appear in the order they happened.
 * Taken when free, extended when this drainer already holds it.
 *
 * KEYS[1]  <prefix>outbox:drainer   (string: the holder's id, with a PX expiry)
 * ARGV[1]  this drainer's id
 * ARGV[2]  lease, milliseconds
 * Returns 1 when this drainer holds the lease now, 0 when another does.
 */
export const outboxLeaseScript = luaScript({
  name: "safaOutboxLease",
  keys: ["leaseKey"],
  args: ["drainerId", "leaseMs"],
  body: `
local holder = redis.call("GET", leaseKey)
if holder == drainerId then
  redis.call("PEXPIRE", leaseKey, leaseMs)
  return 1
end
if holder then return 0 end
redis.call("SET", leaseKey, drainerId, "PX", leaseMs)
return 1
`,
});
