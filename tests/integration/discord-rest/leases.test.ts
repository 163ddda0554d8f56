import { describe, expect, it } from "vitest";
import { restKeyspace } from "@/lib/discord/rest/keys";
import type { AcquireRequest, AuthScope, LimiterStore, Outcome } from "@/lib/discord/rest/limiter-store";
import { restPolicy, type RestPolicy } from "@/lib/discord/rest/policy";
import { createRedisStore } from "@/lib/discord/rest/redis-store";
import { parseRoute, type RouteLike } from "@/lib/discord/rest/route";
import { guildId, privateRedisForFile, randomPrefix } from "../../helpers/discord-rest-kit";

const testRedis = privateRedisForFile();

const bot: AuthScope = { kind: "bot", digest: "botdigest" };
let counter = 0;

function store(overrides: Partial<RestPolicy> = {}): LimiterStore {
  const policy: RestPolicy = { ...restPolicy, requestTimeoutMs: 300, leaseGraceMs: 200, ...overrides };
  return createRedisStore({ redis: testRedis.redis(), keys: restKeyspace(randomPrefix(), "test-ip"), policy, botScope: bot });
}

function request(path: RouteLike = `/guilds/${guildId}/roles`): AcquireRequest {
  counter += 1;
  return { route: parseRoute("GET", path), auth: bot, leaseId: `lease-${counter}` };
}

const ok = (remaining: number): Outcome => ({ status: 200, bucketHash: "h1", limit: 3, remaining, resetAfterMs: 60_000, countsInvalid: false, botTokenRejected: false });

describe("leases", () => {
  it("a crashed holder's single-flight lease frees the route after its TTL", async () => {
    const limiter = store();
    const first = await limiter.acquire(request());
    expect(first.kind).toBe("granted");
    const second = await limiter.acquire(request());
    expect(second).toMatchObject({ kind: "wait", reason: "pending", exact: false });
    if (second.kind !== "wait") throw new Error("expected a wait");
    expect(second.waitMs).toBeLessThanOrEqual(500);
    await new Promise((resolve) => setTimeout(resolve, second.waitMs + 20));
    expect((await limiter.acquire(request())).kind).toBe("granted");
  });

  it("an answer ends single-flight and the bucket then admits its remaining count", async () => {
    const limiter = store();
    const firstRequest = request();
    const first = await limiter.acquire(firstRequest);
    if (first.kind !== "granted") throw new Error("expected a grant");
    await limiter.settle(firstRequest, first.lease, ok(2));
    expect((await limiter.acquire(request())).kind).toBe("granted");
    expect((await limiter.acquire(request())).kind).toBe("granted");
    const third = await limiter.acquire(request());
    expect(third).toMatchObject({ kind: "wait", reason: "bucket", exact: true });
  });

  it("a released slot that never left goes back to the bucket and the global window", async () => {
    const limiter = store({ globalPerSecond: 2 });
    const firstRequest = request();
    const first = await limiter.acquire(firstRequest);
    if (first.kind !== "granted") throw new Error("expected a grant");
    await limiter.settle(firstRequest, first.lease, ok(2));
    const held = request();
    const grant = await limiter.acquire(held);
    if (grant.kind !== "granted") throw new Error("expected a grant");
    expect(await limiter.acquire(request())).toMatchObject({ kind: "wait", reason: "global" });
    await limiter.release(held, grant.lease, true);
    expect((await limiter.acquire(request())).kind).toBe("granted");
  });

  it("holds the global limit across routes with a sliding window", async () => {
    const limiter = store({ globalPerSecond: 3 });
    const paths: RouteLike[] = ["/guilds/1/roles", "/guilds/2/roles", "/guilds/3/roles", "/guilds/4/roles"];
    const results = [];
    for (const path of paths) results.push(await limiter.acquire(request(path)));
    expect(results.slice(0, 3).every((result) => result.kind === "granted")).toBe(true);
    const last = results[3];
    expect(last).toMatchObject({ kind: "wait", reason: "global", exact: true });
    if (last?.kind !== "wait") throw new Error("expected a wait");
    expect(last.waitMs).toBeGreaterThan(900);
    expect(last.waitMs).toBeLessThanOrEqual(1_000 + restPolicy.globalWindowMarginMs);
  });

  it("dates a request in the global window from its answer, not its grant", async () => {
    const limiter = store({ globalPerSecond: 2 });
    const slowRequest = request("/guilds/1/roles");
    const slow = await limiter.acquire(slowRequest);
    if (slow.kind !== "granted") throw new Error("expected a grant");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await limiter.settle(slowRequest, slow.lease, { status: 200, countsInvalid: false, botTokenRejected: false });
    expect((await limiter.acquire(request("/guilds/2/roles"))).kind).toBe("granted");
    const third = await limiter.acquire(request("/guilds/3/roles"));
    if (third.kind !== "wait") throw new Error("expected a wait");
    // Discord may have seen the slow request just before its answer, 300 ms after the grant.
    expect(third.waitMs).toBeGreaterThan(950);
  });

  it("an answer from an older window only teaches the limit", async () => {
    const limiter = store({ requestTimeoutMs: 50, leaseGraceMs: 50 });
    const firstRequest = request();
    const first = await limiter.acquire(firstRequest);
    if (first.kind !== "granted") throw new Error("expected a grant");
    await limiter.settle(firstRequest, first.lease, { ...ok(2), resetAfterMs: 100 });
    const oldRequest = request();
    const old = await limiter.acquire(oldRequest);
    if (old.kind !== "granted") throw new Error("expected a grant");
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The window rolled over: a new generation starts, and the old lease's late answer (remaining 0) is ignored.
    const fresh = await limiter.acquire(request());
    expect(fresh.kind).toBe("granted");
    await limiter.settle(oldRequest, old.lease, { ...ok(0), resetAfterMs: 1 });
    expect((await limiter.acquire(request())).kind).toBe("granted");
  });
});
