import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRedis, isRedisUnavailable, waitUntilReady } from "@/lib/redis/connection";
import { luaScript, runScript } from "@/lib/redis/lua-script";
import { watchPrimary, type PrimaryChange } from "@/lib/redis/primary-watch";
import { redisTargetFromEnv } from "@/lib/redis/target";
import { findFreePort } from "../../../scripts/free-port";
import { startRedisHa, type RedisHaHandle } from "../../../scripts/redis-ha";

const bump = luaScript({
  name: "sentinelTestBump",
  keys: ["counterKey"],
  args: ["by"],
  body: "return redis.call('INCRBY', counterKey, by)",
});
const bumpSha = createHash("sha1").update(bump.lua).digest("hex");

/** A plain connection to one data node, to see what that server holds, whatever Sentinel says. */
function direct(port: number): Redis {
  const client = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on("error", () => undefined);
  return client;
}

async function runIdOf(port: number): Promise<string> {
  const client = direct(port);
  try {
    return /^run_id:(\w+)/m.exec(await client.info("server"))?.[1] ?? "";
  } finally {
    client.disconnect();
  }
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** The primary dies mid-traffic: the app's connection rides the failover with nothing but "unavailable" errors. */
describe("Redis through Sentinel", () => {
  let dataDir: string;
  let ha: RedisHaHandle;
  let redis: Redis;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "safa-sentinel-"));
    ha = await startRedisHa({ dataDir, replicas: 1, sentinels: 3, downAfterMs: 1_000, failoverTimeoutMs: 4_000 });
    redis = createRedis(redisTargetFromEnv({ REDIS_SENTINELS: ha.sentinelsEnv, REDIS_MASTER_NAME: ha.masterName }));
    expect(await waitUntilReady(redis, 5_000)).toBe(true);
  });
  afterAll(async () => {
    redis?.disconnect();
    await ha?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("moves to the new primary after a SIGKILL, classifies every error on the way, and reloads scripts there", async () => {
    const changes: PrimaryChange[] = [];
    const stopWatching = watchPrimary(redis, (change) => changes.push(change));
    const firstPrimary = await ha.primaryPort();
    const replica = ha.nodes.find((node) => node.port !== firstPrimary)?.port ?? 0;
    const firstRunId = await runIdOf(firstPrimary);

    expect(await runScript(redis, bump, { keys: { counterKey: "sentinel:counter" }, args: { by: 1 } })).toBe(1);
    await redis.set("sentinel:before", "kept");
    // WAIT makes "before" part of what the replica must have; the script itself is not in the replica's cache.
    expect(await redis.wait(1, 2_000)).toBe(1);
    const onReplica = direct(replica);
    expect(await onReplica.script("EXISTS", bumpSha)).toEqual([0]);
    onReplica.disconnect();

    const unclassified: string[] = [];
    let unavailable = 0;
    let stopTraffic = false;
    let succeededAfterSwitch = 0;
    let switched = false;
    const traffic = async () => {
      while (!stopTraffic) {
        try {
          await runScript(redis, bump, { keys: { counterKey: "sentinel:counter" }, args: { by: 1 } });
          await redis.set("sentinel:last", String(Date.now()));
          if (switched) succeededAfterSwitch++;
        } catch (error) {
          if (isRedisUnavailable(error)) unavailable++;
          else unclassified.push((error as Error).message);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    };
    const streams = Array.from({ length: 4 }, traffic);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const killed = await ha.killPrimary();
    expect(killed.port).toBe(firstPrimary);
    const newPrimary = await eventually(() => ha.primaryPort(), (port) => port !== firstPrimary, 15_000);
    expect(newPrimary).toBe(replica);
    switched = true;
    await eventually(async () => succeededAfterSwitch, (count) => count >= 20, 10_000);
    stopTraffic = true;
    await Promise.all(streams);

    expect(unclassified).toEqual([]);
    expect(unavailable).toBeGreaterThan(0);
    expect(succeededAfterSwitch).toBeGreaterThanOrEqual(20);

    // The same connection now writes to the new primary, and the script was loaded there (EVALSHA met NOSCRIPT, then EVAL).
    await redis.set("sentinel:after", "written");
    const onNewPrimary = direct(newPrimary);
    expect(await onNewPrimary.get("sentinel:after")).toBe("written");
    expect(await onNewPrimary.get("sentinel:before")).toBe("kept");
    expect(await onNewPrimary.script("EXISTS", bumpSha)).toEqual([1]);
    const newRunId = /^run_id:(\w+)/m.exec(await onNewPrimary.info("server"))?.[1];
    onNewPrimary.disconnect();

    await eventually(async () => changes.length, (count) => count >= 1, 2_000);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ previousRunId: firstRunId, runId: newRunId });
    stopWatching();

    // The old primary, started again, comes back as a replica of the new one and receives its writes.
    await ha.restartNode(killed.port);
    const oldPrimary = direct(killed.port);
    const replication = await eventually(() => oldPrimary.info("replication"), (info) => /master_link_status:up/.test(info), 10_000);
    expect(replication).toMatch(/^role:slave/m);
    expect(replication).toMatch(new RegExp(`^master_port:${newPrimary}\\b`, "m"));
    await redis.set("sentinel:after-restart", "replicated");
    expect(await redis.wait(1, 2_000)).toBe(1);
    expect(await oldPrimary.get("sentinel:after-restart")).toBe("replicated");
    oldPrimary.disconnect();
  });

  it("hears the failover detector's errors on an unreachable Sentinel: nothing printed by ioredis itself", async () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const deadSentinel = `127.0.0.1:${await findFreePort()}`;
    const withDead = createRedis(redisTargetFromEnv({ REDIS_SENTINELS: `${deadSentinel},${ha.sentinelsEnv}`, REDIS_MASTER_NAME: ha.masterName }));
    try {
      expect(await waitUntilReady(withDead, 5_000)).toBe(true);
      // The detector connects to every Sentinel it knows, the dead one too, and keeps retrying it.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await withDead.ping()).toBe("PONG");
      const unhandled = printed.mock.calls.filter((call) => String(call[0]).includes("[ioredis] Unhandled error event"));
      expect(unhandled).toEqual([]);
    } finally {
      withDead.disconnect();
      printed.mockRestore();
    }
  });

  it("leaves a server that refuses writes as a replica (READONLY), and counts that as unavailable", async () => {
    const primary = await ha.primaryPort();
    const replica = ha.nodes.find((node) => node.port !== primary)?.port ?? 0;
    const stale = createRedis(`redis://127.0.0.1:${replica}`);
    expect(await waitUntilReady(stale, 5_000)).toBe(true);
    const reconnecting = new Promise<boolean>((resolve) => {
      stale.once("reconnecting", () => resolve(true));
      setTimeout(() => resolve(false), 3_000);
    });
    const refused = await stale.set("sentinel:stale", "x").then(() => null, (error: Error) => error);
    expect(refused?.message).toMatch(/^READONLY/);
    expect(isRedisUnavailable(refused)).toBe(true);
    expect(await reconnecting).toBe(true);
    stale.disconnect();
  });
});
