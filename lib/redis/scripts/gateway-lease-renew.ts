import { luaScript } from "../lua-script";

/**
 * Extends the Gateway lease only while this holder (fencing token and
 * worker) still has it, and records the leader's heartbeat when its socket
 * is up: the heartbeat is what tells the app the mirror is live.
 *
 * KEYS[1]  safa:gateway:<guild>:lease
 * KEYS[2]  safa:gateway:<guild>:status
 * ARGV[1]  holder, "<fence>:<workerId>"
 * ARGV[2]  lease, milliseconds
 * ARGV[3]  now, epoch milliseconds
 * ARGV[4]  "1" when the Gateway connection is ready, else "0"
 * Returns 1 when extended, 0 when the lease is not ours any more.
 */
export const gatewayLeaseRenewScript = luaScript({
  name: "safaGatewayLeaseRenew",
  keys: ["leaseKey", "statusKey"],
  args: ["holder", "leaseMs", "nowMs", "connected"],
  body: `
if redis.call("GET", leaseKey) ~= holder then
  return 0
end
redis.call("PEXPIRE", leaseKey, leaseMs)
redis.call("HSET", statusKey, "leaseRenewedAt", nowMs)
if connected == "1" then
  redis.call("HSET", statusKey, "heartbeatAt", nowMs)
end
return 1
`,
});
