import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type * as MetricsRoute from "@/app/api/metrics/route";
import type * as Overview from "@/lib/admin/overview";
import { gatewayKeyspace } from "@/lib/gateway";
import { loadAdminViews, scrapeMetrics } from "../../helpers/admin-health-kit";
import { emulator, freshRedis, guildId, type TestEmulator } from "../../helpers/harness";
import { appRedisReady, closeApp, configureApp } from "../../helpers/route-client";

/**
 * The admin overview and the metrics scrape as the app builds them (its
 * configuration, its Redis connection), over a mirror status hash written
 * here the way the Gateway leader writes it.
 */
const metricsToken = "integration-metrics-token-0123456789abcdef";
const statusKey = gatewayKeyspace(guildId).status;
let emu: TestEmulator;
let redis: Redis;
let overview: typeof Overview;
let metricsRoute: typeof MetricsRoute;

/** The leader's status fields at `now`: connected 400 ms ago, two syncs, the last done. */
function liveStatus(now: number): Record<string, string> {
  return {
    leaderId: "gateway-host-4242-a1b2c3",
    fence: "7",
    heartbeatAt: String(now - 400),
    resync: "done",
    resyncStartedAt: String(now - 95_000),
    resyncDoneAt: String(now - 90_000),
    resyncCount: "2",
    lastEventAt: String(now - 5_000),
    lastEventSeq: "1234",
    membersMirrored: "10004",
  };
}

async function writeStatus(fields: Record<string, string>): Promise<void> {
  await redis.del(statusKey);
  if (Object.keys(fields).length > 0) await redis.hset(statusKey, fields);
}

async function scrape(): Promise<Map<string, string>> {
  return scrapeMetrics(metricsRoute, metricsToken, "safa_gateway_mirror_");
}

beforeAll(async () => {
  emu = await emulator();
  configureApp(emu, { NEXTAUTH_SECRET: "admin-mirror-health-test-secret-0123456789", METRICS_TOKEN: metricsToken });
  ({ overview, metricsRoute } = await loadAdminViews());
  await appRedisReady();
});

beforeEach(async () => {
  redis = await freshRedis();
});

afterEach(() => {
  redis.disconnect();
});

afterAll(async () => {
  await closeApp(emu);
});

describe("the admin health panel's mirror", () => {
  it("is live with a recent heartbeat and a finished sync, and shows the leader, members, syncs and last event", async () => {
    await writeStatus(liveStatus(Date.now()));
    const { mirror } = (await overview.adminOverview()).health;
    expect(mirror).toMatchObject({
      statusRead: true,
      live: true,
      reasons: [],
      leaderId: "gateway-host-4242-a1b2c3",
      membersMirrored: 10_004,
      resyncCount: 2,
      resyncRunning: false,
    });
    expect(mirror.sentence).toMatch(/^Live: roles come from Discord's Gateway, 0\.[4-9] s behind$/);
    expect(mirror.lastEventAgeSeconds).toBeGreaterThanOrEqual(5);
    expect(mirror.lastEventAgeSeconds).toBeLessThan(10);
  });

  it("is not live when the leader's heartbeat is old, and says so with the heartbeat's age", async () => {
    await writeStatus({ ...liveStatus(Date.now()), heartbeatAt: String(Date.now() - 30_000) });
    const { mirror } = (await overview.adminOverview()).health;
    expect(mirror).toMatchObject({ live: false, leaderId: "gateway-host-4242-a1b2c3", membersMirrored: 10_004 });
    expect(mirror.sentence).toBe("Not live: roles are looked up with each member's login, paced by Discord's limits");
    expect(mirror.reasons).toHaveLength(1);
    expect(mirror.reasons[0]).toMatch(/^no leader is connected: the last heartbeat is 3\d s old$/);
  });

  it("is not live while a sync runs, and not live with no leader at all", async () => {
    await writeStatus({ ...liveStatus(Date.now()), resync: "running", resyncCount: "3" });
    expect((await overview.adminOverview()).health.mirror).toMatchObject({ live: false, resyncRunning: true, resyncCount: 3, reasons: ["a full member sync is running"] });

    await writeStatus({});
    expect((await overview.adminOverview()).health.mirror).toMatchObject({
      statusRead: true,
      live: false,
      leaderId: null,
      membersMirrored: 0,
      lastEventAgeSeconds: null,
      reasons: ["no Gateway worker has taken the lead", "no full member sync has finished yet"],
    });
  });
});

describe("the mirror's metrics", () => {
  it("are read from Redis at each scrape", async () => {
    await writeStatus(liveStatus(Date.now()));
    const live = await scrape();
    expect(live.get("safa_gateway_mirror_live")).toBe("1");
    expect(live.get("safa_gateway_mirror_members")).toBe("10004");
    expect(live.get("safa_gateway_mirror_resyncs_total")).toBe("2");
    expect(live.get("safa_gateway_mirror_resync_running")).toBe("0");
    expect(live.get("safa_gateway_mirror_last_event_sequence")).toBe("1234");
    expect(Number(live.get("safa_gateway_mirror_lag_seconds"))).toBeGreaterThanOrEqual(0.4);
    expect(Number(live.get("safa_gateway_mirror_lag_seconds"))).toBeLessThan(3);
    expect(Number(live.get("safa_gateway_mirror_last_event_age_seconds"))).toBeGreaterThanOrEqual(5);

    await writeStatus({ ...liveStatus(Date.now()), resync: "running", resyncCount: "3", membersMirrored: "10010" });
    const resyncing = await scrape();
    expect(resyncing.get("safa_gateway_mirror_live")).toBe("0");
    expect(resyncing.get("safa_gateway_mirror_resync_running")).toBe("1");
    expect(resyncing.get("safa_gateway_mirror_resyncs_total")).toBe("3");
    expect(resyncing.get("safa_gateway_mirror_members")).toBe("10010");
  });

  it("report a mirror that never ran as not live, with no heartbeat and no event (NaN)", async () => {
    await writeStatus({});
    const samples = await scrape();
    expect(samples.get("safa_gateway_mirror_live")).toBe("0");
    // prom-client writes "Nan"; Prometheus reads NaN in any case.
    expect(samples.get("safa_gateway_mirror_lag_seconds")).toMatch(/^nan$/i);
    expect(samples.get("safa_gateway_mirror_last_event_age_seconds")).toMatch(/^nan$/i);
    expect(samples.get("safa_gateway_mirror_members")).toBe("0");
    expect(samples.get("safa_gateway_mirror_resyncs_total")).toBe("0");
  });
});
