import { luaScript } from "../lua-script";

/**
 * Takes the Gateway lease when nobody holds it, with a new fencing token:
 * the token comes from a counter that only grows, so a later leader always
 * holds a larger one and every write of an earlier leader can be refused.
 *
 * KEYS[1]  safa:gateway:<guild>:lease   (string "<fence>:<workerId>", PX)
 * KEYS[2]  safa:gateway:<guild>:fence   (counter)
 * KEYS[3]  safa:gateway:<guild>:status  (hash)
 * ARGV[1]  worker id
 * ARGV[2]  lease, milliseconds
 * ARGV[3]  now, epoch milliseconds
 * Returns {1, holder} when taken ("<fence>:<workerId>"), {0, current holder} when held by someone.
 */
export const gatewayLeaseAcquireScript = luaScript({
  name: "safaGatewayLeaseAcquire",
  keys: ["leaseKey", "fenceKey", "statusKey"],
  args: ["workerId", "leaseMs", "nowMs"],
  body: `
local current = redis.call("GET", leaseKey)
if current then
  return {0, current}
end
local fence = redis.call("INCR", fenceKey)
local holder = fence .. ":" .. workerId
redis.call("SET", leaseKey, holder, "PX", leaseMs)
redis.call("HSET", statusKey, "leaderId", workerId, "fence", fence, "leaderSince", nowMs, "leaseRenewedAt", nowMs)
redis.call("HDEL", statusKey, "heartbeatAt")
return {1, holder}
`,
});
