import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenStore } from "@/lib/auth/token-store";
import { createRedis, isRedisUnavailable, waitUntilReady } from "@/lib/redis/connection";
import { checkPersistence } from "@/lib/redis/persistence";
import { createRoleService } from "@/lib/roles/service";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/redis-server";
import { emulator, guildId, personas, signIn, testSecret, type TestEmulator } from "../../helpers/harness";

/** Redis goes away and comes back: the app keeps answering and recovers by itself. */
describe("a Redis outage", () => {
  let server: RedisServerHandle;
  let dataDir: string;
  let redis: Redis;
  let emu: TestEmulator;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "safa-outage-"));
    server = await startRedisServer({ dataDir });
    redis = createRedis(server.url);
    expect(await waitUntilReady(redis, 5_000)).toBe(true);
    emu = await emulator();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function services() {
    const tokens = createTokenStore({ redis, secret: testSecret, oauth: { apiBase: emu.apiBase, clientId: "1400000000000000001", clientSecret: "emulator-client-secret" } });
    return { tokens, roles: createRoleService({ redis, apiBase: emu.apiBase, guildId, tokens }) };
  }

  it("finds the persistence the product requires on the private server", async () => {
    expect(await checkPersistence(redis)).toEqual([]);
    await redis.config("SET", "appendonly", "no");
    expect((await checkPersistence(redis)).join(" ")).toMatch(/appendonly is off/);
    await redis.config("SET", "appendonly", "yes");
  });

  it("serves what this process last saw while Redis is down, and recovers without a restart", async () => {
    const app = services();
    const player = await signIn(emu, app, personas.player);
    const manager = await signIn(emu, app, personas.manager);
    const before = await app.roles.lookup(personas.player, player.sessionId);
    expect(before.kind === "roles" && before.how).toBe("fresh");

    await server.stop();
    const during = await app.roles.lookup(personas.player, player.sessionId);
    expect(during.kind).toBe("roles");
    if (during.kind === "roles") {
      expect(during.how).toBe("memory");
      expect(during.stale).toBe(true);
      expect(during.snapshot.roles).toEqual(before.kind === "roles" ? before.snapshot.roles : []);
    }
    // Someone this process has not served yet gets a clear "temporarily unavailable", not a crash.
    const unknown = await app.roles.lookup(personas.manager, manager.sessionId);
    expect(unknown).toMatchObject({ kind: "unavailable", reason: "storage" });
    await expect(redis.get("anything")).rejects.toSatisfy(isRedisUnavailable);

    server = await startRedisServer({ dataDir, port: server.port });
    expect(await waitUntilReady(redis, 10_000)).toBe(true);
    const after = await app.roles.lookup(personas.manager, manager.sessionId);
    expect(after.kind === "roles" && after.how).toBe("fresh");
    // The append-only file kept the player's cache and pacing lock across the restart, and no in-flight lock is stuck.
    const again = await app.roles.lookup(personas.player, player.sessionId);
    expect(again.kind === "roles" && again.how).toBe("paced");
    expect(await redis.keys("*_inflight")).toEqual([]);
  });
});
