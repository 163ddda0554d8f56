import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type * as MetricsRoute from "@/app/api/metrics/route";
import type * as Overview from "@/lib/admin/overview";
import { productKeyspace } from "@/lib/actions/keys";
import { createDiscordRest, type DiscordRest } from "@/lib/discord/rest";
import { createOutboxDrainer } from "@/lib/transactions";
import { CHANNEL_IDS } from "../../../emulator/fixture";
import { loadAdminViews, scrapeMetrics } from "../../helpers/admin-health-kit";
import { emulator, freshRedis, type TestEmulator } from "../../helpers/harness";
import { appRedisReady, closeApp, configureApp } from "../../helpers/route-client";

/**
 * The outbox as the app's health panel and metrics scrape see it: read from
 * the app's own keys in Redis, where actions write entries and the Gateway
 * workers' drainer deletes and counts them.
 */
const metricsToken = "integration-metrics-token-outbox-0123456789";
const keys = productKeyspace();
let emu: TestEmulator;
let redis: Redis;
let overview: typeof Overview;
let metricsRoute: typeof MetricsRoute;
let drainerRest: DiscordRest | undefined;

/** An entry as an action's commit writes it, dated `writtenAt` (stream ids begin with their time in ms). */
async function writeEntry(writtenAt: number, action = "window.open"): Promise<void> {
  const entry = JSON.stringify({ action, actorId: "1400000000000000100", teamName: null, targetId: null, detail: null, at: writtenAt });
  await redis.xadd(keys.outbox, `${writtenAt}-*`, "entry", entry);
}

async function scrape(): Promise<Map<string, string>> {
  return scrapeMetrics(metricsRoute, metricsToken, "safa_outbox_");
}

beforeAll(async () => {
  emu = await emulator();
  configureApp(emu, { DISCORD_TRANSACTIONS_CHANNEL_ID: CHANNEL_IDS.transactions, NEXTAUTH_SECRET: "admin-outbox-health-test-secret-0123456789", METRICS_TOKEN: metricsToken });
  ({ overview, metricsRoute } = await loadAdminViews());
  await appRedisReady();
});

beforeEach(async () => {
  redis = await freshRedis();
});

afterEach(async () => {
  await drainerRest?.close();
  drainerRest = undefined;
  redis.disconnect();
});

afterAll(async () => {
  await closeApp(emu);
});

describe("the admin health panel's outbox", () => {
  it("is up to date with nothing waiting", async () => {
    const { outbox } = (await overview.adminOverview()).health;
    expect(outbox).toMatchObject({ statusRead: true, enabled: true, backlog: 0, oldestAgeSeconds: null, drainerId: null, posted: 0, warning: null });
    expect(outbox.sentence).toBe("Up to date: nothing waits to be posted");
  });

  it("shows the backlog and the oldest entry's age, and says the channel is behind once it waits for minutes, naming who drains it", async () => {
    const now = Date.now();
    await writeEntry(now - 30_000);
    await writeEntry(now - 5_000);
    const recent = (await overview.adminOverview()).health.outbox;
    expect(recent).toMatchObject({ backlog: 2, warning: null });
    expect(recent.oldestAgeSeconds).toBeGreaterThanOrEqual(30);
    expect(recent.oldestAgeSeconds).toBeLessThan(35);

    // Stream ids only grow: an older entry goes in front by writing the stream again in time order.
    await redis.del(keys.outbox);
    await writeEntry(now - 240_000);
    await writeEntry(now - 30_000);
    await writeEntry(now - 5_000);
    const behind = (await overview.adminOverview()).health.outbox;
    expect(behind).toMatchObject({ backlog: 3, drainerId: null });
    expect(behind.sentence).toBe("3 changes wait to be posted, the oldest for 4 min");
    expect(behind.warning).toMatch(/^The transactions channel is behind: .* 4 min old.*No Gateway worker is posting them/);

    await redis.set(keys.outboxDrainer, "gateway-host:4242:a1b2", "PX", 15_000);
    const stuck = (await overview.adminOverview()).health.outbox;
    expect(stuck.drainerId).toBe("gateway-host:4242:a1b2");
    expect(stuck.warning).toMatch(/Worker gateway-host:4242:a1b2 is posting, but Discord is not taking the posts/);
  });
});

describe("the outbox's metrics", () => {
  it("report the backlog, the oldest entry's age and the counts a drainer in another process kept in Redis", async () => {
    const empty = await scrape();
    expect([empty.get("safa_outbox_backlog"), empty.get("safa_outbox_oldest_age_seconds"), empty.get("safa_outbox_posted_total")]).toEqual(["0", "0", "0"]);
    await writeEntry(Date.now() - 90_000);
    await writeEntry(Date.now() - 1_000, "window.close");
    await redis.hset(keys.outboxCounts, { "failed:server_error": "4", "failed:refused": "1" });
    const waiting = await scrape();
    expect(waiting.get("safa_outbox_backlog")).toBe("2");
    expect(Number(waiting.get("safa_outbox_oldest_age_seconds"))).toBeGreaterThanOrEqual(90);
    expect(Number(waiting.get("safa_outbox_oldest_age_seconds"))).toBeLessThan(95);
    expect(waiting.get('safa_outbox_failed_total{reason="server_error"}')).toBe("4");
    expect(waiting.get('safa_outbox_failed_total{reason="refused"}')).toBe("1");
    expect(waiting.get('safa_outbox_failed_total{reason="rate_limited"}')).toBe("0");

    // A drainer as a Gateway worker runs it, on the app's keys: posts both, and the app's scrape sees them.
    drainerRest = createDiscordRest({ redis, botToken: "emulator-bot-token", apiBase: emu.apiBase, subscribe: false, keyPrefix: "outbox-health-test:rest:", logger: pino({ level: "silent" }) });
    const drainer = createOutboxDrainer({ redis, keys, rest: drainerRest, channelId: CHANNEL_IDS.transactions, log: pino({ level: "silent" }), drainerId: "worker-under-test" });
    expect(await drainer.drainOnce()).toMatchObject({ posted: 2 });
    await drainer.stop();
    const drained = await scrape();
    expect(drained.get("safa_outbox_backlog")).toBe("0");
    expect(drained.get("safa_outbox_oldest_age_seconds")).toBe("0");
    expect(drained.get("safa_outbox_posted_total")).toBe("2");
    expect((await overview.adminOverview()).health.outbox).toMatchObject({ backlog: 0, posted: 2, failed: { server_error: 4, refused: 1 } });
  });
});
