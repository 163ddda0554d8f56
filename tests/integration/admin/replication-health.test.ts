import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as MetricsRoute from "@/app/api/metrics/route";
import type * as Overview from "@/lib/admin/overview";
import type { ReplicationHealth } from "@/lib/admin/answer";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/redis-server";
import { loadAdminViews, scrapeMetrics } from "../../helpers/admin-health-kit";
import { emulator, type TestEmulator } from "../../helpers/harness";
import { appRedisReady, closeApp, configureApp } from "../../helpers/route-client";

/**
 * Redis replication as the app's health panel and metrics scrape see it,
 * against a real primary and a real replica (REDIS_WAIT_REPLICAS=1): the
 * replica in sync, then gone (actions refused), then the primary replaced
 * by a server with a new identity (a primary change).
 */
const metricsToken = "integration-metrics-token-replication-0123";
const dataDirs: string[] = [];
let emu: TestEmulator;
let primary: RedisServerHandle;
let replica: RedisServerHandle;
let overview: typeof Overview;
let metricsRoute: typeof MetricsRoute;

async function server(options: { port?: number; replicaOf?: RedisServerHandle } = {}): Promise<RedisServerHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), "safa-admin-replication-"));
  dataDirs.push(dataDir);
  return startRedisServer({
    dataDir,
    ...(options.port === undefined ? {} : { port: options.port }),
    // The replica's first sync starts at once (Redis waits 5 s by default for more replicas to share it).
    extraArgs: ["--repl-diskless-sync-delay", "0"],
    ...(options.replicaOf ? { replicaOf: { host: "127.0.0.1", port: options.replicaOf.port } } : {}),
  });
}

async function replication(): Promise<ReplicationHealth> {
  return (await overview.adminOverview()).health.replication;
}

/** Polls the panel until `check` holds: replication state changes a moment after the servers do. */
async function panelUntil(what: string, check: (health: ReplicationHealth) => boolean, timeoutMs = 10_000): Promise<ReplicationHealth> {
  const deadline = Date.now() + timeoutMs;
  let last = await replication();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await replication();
  }
  return last;
}

async function scrape(): Promise<Map<string, string>> {
  return scrapeMetrics(metricsRoute, metricsToken, "safa_redis_");
}

beforeAll(async () => {
  emu = await emulator();
  primary = await server();
  replica = await server({ replicaOf: primary });
  configureApp(emu, { REDIS_URL: primary.url, REDIS_WAIT_REPLICAS: "1", REDIS_WAIT_TIMEOUT_MS: "300", NEXTAUTH_SECRET: "admin-replication-health-test-secret-0123", METRICS_TOKEN: metricsToken });
  ({ overview, metricsRoute } = await loadAdminViews());
  await appRedisReady();
});

afterAll(async () => {
  await closeApp(emu);
  await replica.stop();
  await primary.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe("the admin health panel's Redis replication, and its metrics", () => {
  it("shows the primary, its replica in sync and the WAIT policy, with nothing to warn about", async () => {
    const health = await panelUntil("the replica to be in sync", (each) => each.connectedReplicas === 1);
    expect(health).toMatchObject({
      statusRead: true,
      role: "primary",
      connectedReplicas: 1,
      replicas: [{ address: `127.0.0.1:${replica.port}`, state: "online" }],
      primaryLink: null,
      sentinel: null,
      wait: { replicas: 1, timeoutMs: 300 },
      primaryChanges: 0,
      lastPrimaryChangeAgeSeconds: null,
      warnings: [],
    });
    expect(health.replicas[0]?.lagSeconds).toBeLessThanOrEqual(1);
    const samples = await scrape();
    expect(samples.get("safa_redis_connected_replicas")).toBe("1");
    expect(samples.get("safa_redis_wait_replicas_wanted")).toBe("1");
    expect(samples.get("safa_redis_primary_changes_total")).toBe("0");
  });

  it("says actions are refused once the replica is gone", async () => {
    await replica.stop();
    const health = await panelUntil("the primary to lose its replica", (each) => each.connectedReplicas === 0);
    expect(health.replicas).toEqual([]);
    expect(health.warnings).toEqual(["Actions are refused until a replica is back: each change must reach 1 replica within 300 ms (REDIS_WAIT_REPLICAS=1), and 0 are connected."]);
    expect((await scrape()).get("safa_redis_connected_replicas")).toBe("0");
  });

  it("counts a primary change when the app's connection comes back on a different server", async () => {
    const port = primary.port;
    await primary.stop();
    // A new server on the same address: a new run_id, as after a failover (or a restart that lost its identity).
    primary = await server({ port });
    const health = await panelUntil("the primary change to be seen", (each) => each.primaryChanges === 1);
    expect(health.statusRead).toBe(true);
    expect(health.lastPrimaryChangeAgeSeconds).toBeLessThan(10);
    expect((await scrape()).get("safa_redis_primary_changes_total")).toBe("1");
  });
});
