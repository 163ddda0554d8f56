import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { productKeyspace } from "@/lib/actions/keys";
import type { SessionUser } from "@/lib/auth/session";
import type * as RedisClientModule from "@/lib/redis/client";
import { createRedis, waitUntilReady } from "@/lib/redis/connection";
import { actionRoutes, noAnswer, readAnswer, type ActionTransport, type HaActionKind } from "../../../bench/ha/actions";
import { answerChecks, switchFigures } from "../../../bench/ha/report";
import { settleOpenJournals, type StreamPair, type StreamUser } from "../../../bench/ha/stream";
import { streamWithKill } from "../../../bench/ha/switch";
import { verify, type Check } from "../../../bench/ha/verify";
import { startRedisHa, type RedisHaHandle } from "../../../scripts/redis-ha";
import { emulator, type TestEmulator } from "../../helpers/harness";
import { appOrigin, configureApp } from "../../helpers/route-client";
import { ids } from "../../helpers/teams-world";

/**
 * The primary killed with SIGKILL in the middle of a stream of team and
 * profile actions from two app instances: the route handlers as Next.js
 * runs them, loaded twice (two module graphs, each with its own Redis
 * connection through the Sentinels and its own REST client), against a real
 * primary, replica and three Sentinels and the emulator. Only the session
 * cookie is replaced (each call runs as its user). The stream, the kill and
 * the checks are the HA benchmark's own (bench/ha), at a smaller size.
 */

const sessionOfCall = new AsyncLocalStorage<SessionUser>();
vi.mock("@/lib/auth/session", () => ({
  getCurrentUser: async () => sessionOfCall.getStore() ?? null,
  getSessionState: async () => {
    const user = sessionOfCall.getStore();
    return user ? { kind: "signed-in", user } : { kind: "none" };
  },
  endedSessionCookies: () => ["next-auth.session-token=; Path=/; Max-Age=0"],
}));

/**
 * Each app instance has its own Redis connection, as each process does. The
 * real module keeps one per process on globalThis, which both module graphs
 * share here, so the connection is chosen by the instance the call runs in
 * (each graph's own singletons, built in its first call, keep theirs).
 */
const instanceOfCall = new AsyncLocalStorage<number>();
const instanceConnections = new Map<number, Redis>();
vi.mock("@/lib/redis/client", async (importOriginal) => {
  const { createRedis: open } = await import("@/lib/redis/connection");
  const { redisTargetFromEnv } = await import("@/lib/redis/target");
  const { getEnv } = await import("@/lib/env");
  return {
    ...(await importOriginal<typeof RedisClientModule>()),
    getRedis: () => {
      const instance = instanceOfCall.getStore() ?? 0;
      let redis = instanceConnections.get(instance);
      if (!redis) {
        redis = open(redisTargetFromEnv(getEnv()));
        instanceConnections.set(instance, redis);
      }
      return redis;
    },
  };
});

type Handler = (request: Request) => Promise<Response>;
type Instance = { routes: Record<HaActionKind, Record<string, Handler>>; close: () => Promise<void> };

const callTimeoutMs = 20_000;

/** One app instance: the route handlers of a fresh module graph. */
async function loadInstance(index: number): Promise<Instance> {
  vi.resetModules();
  const routes = {
    profile: await import("@/app/api/profile/route"),
    create: await import("@/app/api/teams/route"),
    request: await import("@/app/api/teams/requests/route"),
    approve: await import("@/app/api/teams/requests/approve/route"),
    leave: await import("@/app/api/teams/members/route"),
    looking: await import("@/app/api/pool/me/route"),
  } as unknown as Record<HaActionKind, Record<string, Handler>>;
  const { getDiscordRest } = await import("@/lib/discord");
  return { routes, close: () => instanceOfCall.run(index, () => getDiscordRest().close()) };
}

/** Calls the instance's handler as its user; what escapes a handler is what Next.js answers 500 for. */
function inProcessTransport(instances: readonly Instance[], users: ReadonlyMap<string, SessionUser>): ActionTransport {
  return async (request) => {
    const route = actionRoutes[request.kind];
    const handler = instances[request.instance]?.routes[request.kind][route.method];
    const user = users.get(request.actorId);
    if (!handler || !user) throw new Error(`no route or user for ${request.kind} by ${request.actorId}`);
    const call = new Request(`${appOrigin}${route.path}`, {
      method: route.method,
      headers: { "content-type": "application/json", origin: appOrigin, host: "dashboard.test" },
      body: JSON.stringify(request.body),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), callTimeoutMs);
    });
    try {
      const response = await Promise.race([instanceOfCall.run(request.instance, () => sessionOfCall.run(user, () => handler(call))), timeout]);
      if (response === null) return noAnswer;
      return readAnswer(response.status, await response.text(), response.headers.get("retry-after"));
    } catch {
      return readAnswer(500, "", null);
    } finally {
      clearTimeout(timer);
    }
  };
}

describe("the Redis primary killed mid-stream, two app instances", () => {
  let dataDir: string;
  let ha: RedisHaHandle;
  let redis: Redis;
  let emu: TestEmulator;
  let instances: Instance[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "safa-ha-failover-"));
    ha = await startRedisHa({ dataDir, downAfterMs: 2_000 });
    redis = createRedis({ kind: "sentinel", sentinels: ha.sentinels, masterName: ha.masterName });
    expect(await waitUntilReady(redis, 10_000)).toBe(true);
    // Discord's own limits are not under test here; the app's admission of actions (0.8 a second) still is.
    emu = await emulator({ routeLimits: { "GET /guilds/:guild_id/members/:user_id": { count: 1_000, windowSeconds: 1 } } });
    configureApp(emu, {
      REDIS_URL: "",
      REDIS_SENTINELS: ha.sentinelsEnv,
      REDIS_MASTER_NAME: ha.masterName,
      REDIS_WAIT_REPLICAS: "1",
      REDIS_WAIT_TIMEOUT_MS: "500",
      SAFA_DEMO_MODE: "1",
    });
    instances = [await loadInstance(0), await loadInstance(1)];
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    for (const connection of instanceConnections.values()) connection.disconnect();
    redis?.disconnect();
    await emu?.close();
    await ha?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    "answers clear 503s with Retry-After during the switch, never a 500, serves again without a restart, and every success stands exactly once",
    async () => {
      const members: StreamUser[] = [];
      const sessions = new Map<string, SessionUser>();
      for (let index = 0; index < 7; index += 1) {
        const username = `ha_test_${index}`;
        const created = await emu.control<{ id: string }>("users", { body: { username, roles: [ids.updatedProfile, ids.freeAgent], member: true } });
        members.push({ userId: created.id, index });
        sessions.set(created.id, { id: created.id, name: username, sessionId: `session-${created.id}`, verified: true });
      }
      const pairs: StreamPair[] = [
        { manager: members[0] as StreamUser, player: members[1] as StreamUser },
        { manager: members[2] as StreamUser, player: members[3] as StreamUser },
      ];
      const solos = members.slice(4);
      const guildState = () => emu.control<{ guild: { roles: { id: string; name: string }[] }; personas: { id: string; roles: string[] }[] }>("personas?all=1");
      const fixtureRoleIds = new Set((await guildState()).guild.roles.map((role) => role.id));
      const send = inProcessTransport(instances, sessions);

      const { records, timeline } = await streamWithKill({ ha, send, instances: 2, redis, pairs, solos, runId: "t", beforeKillMs: 7_000, afterKillMs: 16_000, progress: () => undefined });
      // Two module graphs, each through a connection of its own.
      expect(instances[0]?.routes.profile).not.toBe(instances[1]?.routes.profile);
      expect(instanceConnections.size).toBe(2);
      const keys = productKeyspace();
      const settling = await settleOpenJournals({ send, instances: 2, redis, keys, users: members, firstSave: 1_000 });
      const verification = await verify({ redis, keys, guildState, roleIds: ids, fixtureRoleIds, records: [...records, ...settling], pairs, solos, settleWaitMs: 35_000 });
      const figures = switchFigures(records, timeline.killAt);
      const checks: Check[] = [...answerChecks(figures, 2), ...verification.checks];

      expect(checks.filter((check) => !check.ok)).toEqual([]);
      // The stream really was under way on both sides of the kill, and met the switch.
      expect(records.filter((record) => record.status === 200 && record.answeredAt < timeline.killAt).length).toBeGreaterThan(3);
      expect(records.filter((record) => record.status === 200 && record.sentAt > timeline.killAt && record.kind !== "looking").length).toBeGreaterThan(0);
      expect(timeline.promotedAt).not.toBeNull();
      expect(figures.recoveryMs).not.toBeNull();
      expect(verification.auditEntries).toBeGreaterThan(5);
    },
    110_000,
  );
});
