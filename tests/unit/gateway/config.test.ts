import { describe, expect, it } from "vitest";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import { restApiRoot } from "@/lib/gateway/leader";
import { fenceOf } from "@/lib/gateway/lease";
import { gatewayPolicy } from "@/lib/gateway/policy";
import { roleKeys } from "@/lib/roles/service";

describe("the worker's addresses and names", () => {
  it("gives @discordjs/rest the API root without the version, as DISCORD_API_BASE carries it", () => {
    expect(restApiRoot("https://discord.com/api/v10")).toBe("https://discord.com/api");
    expect(restApiRoot("http://127.0.0.1:3001/api/v10/")).toBe("http://127.0.0.1:3001/api");
    expect(restApiRoot("http://127.0.0.1:3001/api")).toBe("http://127.0.0.1:3001/api");
  });

  it("writes members under the role service's own cache key", () => {
    expect(`${gatewayKeyspace("1100000000000000001").memberCachePrefix}1200000000000000005`).toBe(roleKeys.cache("1100000000000000001", "1200000000000000005"));
  });

  it("reads the fencing token out of a lease holder", () => {
    expect(fenceOf("42:host-1-abc")).toBe(42);
  });

  it("lets no leader that lost its lease read as live: its last heartbeat is stale by the time the lease expired", () => {
    // A lost lease was not renewed for leaseMs, and the heartbeat is written only with a renewal.
    expect(gatewayPolicy.heartbeatStaleMs).toBeLessThanOrEqual(gatewayPolicy.leaseMs);
    expect(gatewayPolicy.renewEveryMs).toBeLessThan(gatewayPolicy.heartbeatStaleMs);
  });
});
