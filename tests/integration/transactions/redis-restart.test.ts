import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import type { Transport } from "@/lib/discord/rest";
import { createRedis, waitUntilReady } from "@/lib/redis/connection";
import { announcementOf } from "@/lib/transactions";
import { checkProductRecords } from "../../../scripts/records/product-records";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/redis-server";
import { guildId } from "../../helpers/harness";
import { createWorld, users, type World } from "../../helpers/teams-world";
import { announcingWorld, until } from "./outbox-kit";

/**
 * The outbox lives in Redis with the rest of the product's records
 * (`appendonly yes`). Killing Redis with SIGKILL while announcements are
 * pending and one is on its way to Discord, and restarting it from its
 * append-only file, must lose none and double none: the consumer group and
 * its pending entries come back, and the post whose acknowledgement was lost
 * is repeated with the same nonce, which Discord answers without a second
 * message.
 */

const messageRoute = "POST /channels/:channel_id/messages";
const cleanups: (() => Promise<void>)[] = [];
/** Stopped after everything that talks to them, whenever they were started. */
const servers: RedisServerHandle[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const server of servers) await server.stop();
});

async function startOwnRedis(dataDir: string, port?: number): Promise<RedisServerHandle> {
  const server = await startRedisServer({ dataDir, port, appendfsync: "everysec" });
  servers.push(server);
  return server;
}

/** The app's and the worker's connection: reconnects on its own, queues nothing while Redis is away. */
async function connect(url: string): Promise<Redis> {
  const redis = createRedis(url);
  redis.on("error", () => undefined);
  if (!(await waitUntilReady(redis, 5_000))) throw new Error(`no connection to ${url}`);
  cleanups.push(async () => redis.disconnect());
  return redis;
}

async function killHard(server: RedisServerHandle): Promise<void> {
  const exited = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
  server.process.kill("SIGKILL");
  await exited;
}

describe("the outbox across a Redis crash and a Discord 5xx burst", () => {
  it("posts every announcement exactly once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "safa-outbox-crash-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const server = await startOwnRedis(dataDir);
    const redis = await connect(server.url);
    const world: World = await createWorld({ redis });
    cleanups.push(() => world.close());
    const channel = announcingWorld(world);
    cleanups.push(() => channel.close());

    const created = await world.service.createTeam(users.freeagent, { name: "Crash Cobras", tag: "CRC" });
    const teamId = created.teamId ?? "";
    for (const player of [users.freeagent2, users.freeagent3]) {
      await world.service.requestToJoin(player, teamId);
      await world.service.approveRequest(users.freeagent, teamId, player.id);
    }
    await world.service.transferManager(users.freeagent, teamId, users.freeagent2.id);
    expect(await channel.backlog()).toBe(4);
    const scope = { prefix: `${world.prefix}safa:`, guildId, rosterMax: 23 };
    const pending = await checkProductRecords(redis, scope);
    expect(pending.problems).toEqual([]);
    expect(pending.checked["outbox entry"]).toBe(4);

    // Discord has made the first message, but its answer reaches the drainer only once Redis is dead:
    // the acknowledgement fails, and the entry stays pending through the crash.
    let answered!: () => void;
    const firstAnswered = new Promise<void>((resolve) => (answered = resolve));
    let deliverAnswer!: () => void;
    const answerHeld = new Promise<void>((resolve) => (deliverAnswer = resolve));
    let held = false;
    const holdFirstAnswer: Transport = async (url, init) => {
      const response = await fetch(url, init);
      if (!held && init.method === "POST") {
        held = true;
        answered();
        await answerHeld;
      }
      return response;
    };
    const drainerRedis = await connect(server.url);
    channel.drainer({ redis: drainerRedis, transport: holdFirstAnswer, drainerId: "worker-through-the-crash" }).start();
    await firstAnswered;
    await killHard(server);
    // Then a burst of 5xx while Redis comes back.
    await world.emu.control("faults", { body: { route: messageRoute, kind: "status", status: 502, count: 4 } });
    deliverAnswer();

    // Back from the append-only file on the same port; the connections find it again.
    await startOwnRedis(dataDir, server.port);
    await until("the connections to come back", async () => (await redis.ping().catch(() => null)) === "PONG");
    await world.service.removeMember(users.freeagent2, teamId, users.freeagent3.id);
    await world.service.disbandTeam(users.admin, teamId);
    await until("the outbox to drain", async () => (await channel.backlog()) === 0, 30_000);

    const expected = (await readAudit(redis, world.keys.audit, 100)).reverse().flatMap((entry) => announcementOf(JSON.stringify(entry)) ?? []);
    expect(expected).toHaveLength(6);
    const messages = await channel.messages();
    expect(messages.map((message) => message.content)).toEqual(expected);
    expect(new Set(messages.map((message) => message.nonce)).size).toBe(6);
    const drained = await checkProductRecords(redis, scope);
    expect(drained.problems).toEqual([]);
    expect(drained.checked["outbox entry"]).toBe(0);
    const stats = await world.emu.control<{ routes: Record<string, { byStatus: Record<string, number> }> }>("stats");
    expect(stats.routes[messageRoute]?.byStatus["502"]).toBe(4);
  });
});
