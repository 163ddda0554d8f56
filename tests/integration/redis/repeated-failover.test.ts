import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedis, isRedisUnavailable, waitUntilReady } from "@/lib/redis/connection";
import { redisTargetFromEnv, type RedisTarget } from "@/lib/redis/target";
import { startRedisHa, withServer, type RedisHaHandle } from "../../../scripts/redis-ha";

/** From the moment a Sentinel names the new primary, every connection must serve commands again within this. */
const recoverWithinMs = 10_000;
const commandConnections = 6;
const channel = "repeated-failover:wake";

/** One app connection running commands in a loop, and everything it met on the way. */
type Probe = {
  name: string;
  redis: Redis;
  lastOkAt: number;
  unavailable: number;
  unclassified: string[];
  ended: boolean;
};

function watch(name: string, redis: Redis): Probe {
  const probe: Probe = { name, redis, lastOkAt: 0, unavailable: 0, unclassified: [], ended: false };
  redis.on("end", () => {
    probe.ended = true;
  });
  // The connection's own error events (reconnect attempts, Sentinel answers) must be the same outage kind.
  redis.on("error", (error: Error) => {
    if (!isRedisUnavailable(error)) probe.unclassified.push(`event: ${error.message}`);
  });
  return probe;
}

async function runCommands(probe: Probe, index: number, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    try {
      await probe.redis.incr(`repeated-failover:counter:${index}`);
      await probe.redis.get(`repeated-failover:counter:${index}`);
      probe.lastOkAt = Date.now();
      await pause(10);
    } catch (error) {
      if (isRedisUnavailable(error)) probe.unavailable++;
      else probe.unclassified.push((error as Error).message);
      await pause(20);
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await pause(everyMs);
    value = await read();
  }
  return value;
}

/** A short-lived plain connection to one loopback server (a data node or a Sentinel), whatever Sentinel says. */
function onServer<T>(port: number, ask: (client: Redis) => Promise<T>): Promise<T> {
  return withServer({ host: "127.0.0.1", port }, ask);
}

/** Healthy replicas each answering Sentinel knows of: a failover needs one to promote. */
async function everySentinelSeesReplica(ha: RedisHaHandle, skipPort?: number): Promise<boolean> {
  const counts = await Promise.all(ha.sentinels.filter((sentinel) => sentinel.port !== skipPort).map((sentinel) =>
    onServer(sentinel.port, async (client) => {
      const replicas = (await client.call("SENTINEL", "REPLICAS", ha.masterName)) as string[][];
      return replicas.filter((flat) => {
        const fields = new Map<string, string>();
        for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] as string, flat[i + 1] as string);
        return !/s_down|o_down|disconnected/.test(fields.get("flags") ?? "") && fields.get("master-link-status") === "ok";
      }).length;
    }).catch(() => 0),
  ));
  return counts.every((count) => count >= 1);
}

/** Clients subscribed to each Sentinel (one failover detector per app connection), counted on the Sentinel that has fewest. */
async function fewestDetectorsOnASentinel(ha: RedisHaHandle): Promise<number> {
  const counts = await Promise.all(ha.sentinels.map((sentinel) =>
    onServer(sentinel.port, async (client) => ((await client.client("LIST")) as string).split("\n").filter((line) => /\bsub=[1-9]/.test(line)).length).catch(() => 0),
  ));
  return Math.min(...counts);
}

/**
 * The primary dies three times in a row (once while a Sentinel hangs), then
 * every Sentinel is gone for a few seconds, then a switchover demotes a live
 * primary: through all of it, each connection (commands and SUBSCRIBE) keeps
 * coming back by itself, never ends for good, and fails only with errors
 * the app classifies as "Redis unavailable".
 */
describe("Redis connections through repeated failovers", () => {
  let dataDir: string;
  let ha: RedisHaHandle;
  let target: RedisTarget;
  const probes: Probe[] = [];
  let subscriber: Probe;
  const received = new Set<string>();
  let stopTraffic = false;
  let traffic: Promise<void>[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "safa-repeated-failover-"));
    ha = await startRedisHa({ dataDir, replicas: 2, sentinels: 3, downAfterMs: 1_000, failoverTimeoutMs: 4_000 });
    target = redisTargetFromEnv({ REDIS_SENTINELS: ha.sentinelsEnv, REDIS_MASTER_NAME: ha.masterName });
    for (let i = 0; i < commandConnections; i++) probes.push(watch(`commands-${i}`, createRedis(target)));
    subscriber = watch("subscriber", createRedis(target));
    subscriber.redis.on("message", (from: string, message: string) => {
      if (from === channel) received.add(message);
    });
    for (const probe of [...probes, subscriber]) expect(await waitUntilReady(probe.redis, 5_000)).toBe(true);
    await subscriber.redis.subscribe(channel);
    traffic = probes.map((probe, index) => runCommands(probe, index, () => stopTraffic));
  });

  afterAll(async () => {
    stopTraffic = true;
    await Promise.all(traffic);
    for (const probe of [...probes, subscriber]) probe?.redis.disconnect();
    await ha?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** What every phase must show once Sentinel names the primary anew at `switchedAt`. */
  async function expectRecovered(switchedAt: number): Promise<void> {
    await eventually(() => probes.every((probe) => probe.lastOkAt > switchedAt), Boolean, recoverWithinMs, 50);
    const stuck = probes.filter((probe) => probe.lastOkAt <= switchedAt).map((probe) => `${probe.name} (${probe.redis.status})`);
    expect(stuck).toEqual([]);

    // A message published after the switch reaches the subscriber (its connection resubscribed wherever it is now).
    const publisher = probes[0]?.redis as Redis;
    const token = `after-${switchedAt}`;
    const heard = await eventually(async () => {
      await publisher.publish(channel, token).catch(() => 0);
      return received.has(token);
    }, Boolean, recoverWithinMs);
    expect(heard, `subscriber (${subscriber.redis.status}) heard nothing published after the switch`).toBe(true);

    const everyone = [...probes, subscriber];
    expect(everyone.filter((probe) => probe.ended).map((probe) => probe.name)).toEqual([]);
    expect(everyone.flatMap((probe) => probe.unclassified)).toEqual([]);
  }

  async function failOver(options: { hungSentinelPort?: number } = {}): Promise<void> {
    await eventually(() => everySentinelSeesReplica(ha, options.hungSentinelPort), Boolean, 15_000);
    const unavailableBefore = probes.reduce((sum, probe) => sum + probe.unavailable, 0);
    if (options.hungSentinelPort !== undefined) ha.pauseSentinel(options.hungSentinelPort);
    const killed = await ha.killPrimary();
    const promoted = await eventually(() => ha.primaryPort().catch(() => killed.port), (port) => port !== killed.port, 15_000);
    expect(promoted).not.toBe(killed.port);
    const switchedAt = Date.now();
    await expectRecovered(switchedAt);
    // The outage was felt (and survived), not slept through.
    expect(probes.reduce((sum, probe) => sum + probe.unavailable, 0)).toBeGreaterThan(unavailableBefore);
    if (options.hungSentinelPort !== undefined) ha.resumeSentinel(options.hungSentinelPort);
    await ha.restartNode(killed.port);
  }

  it("survives the primary dying while the first Sentinel every connection asks hangs", async () => {
    // Each connection asks the Sentinels in the order given, so all of them first wait on the hung one (as on a dead host).
    await failOver({ hungSentinelPort: ha.sentinels[0]?.port });
  }, 60_000);

  it("survives a second failover", async () => {
    await failOver();
  }, 60_000);

  it("survives a third failover", async () => {
    await failOver();
  }, 60_000);

  it("survives every Sentinel being down for 3 s, even connections that lost their server meanwhile", async () => {
    const primary = await ha.primaryPort();
    // Half the command connections lose their server while no Sentinel can name it; the rest stay on it.
    const dropped = probes.filter((_, index) => index % 2 === 0);
    const ids = await Promise.all(dropped.map((probe) => probe.redis.client("ID")));
    await ha.stopSentinels();
    const downAt = Date.now();
    await onServer(primary, async (client) => {
      for (const id of ids) await client.client("KILL", "ID", String(id));
    });
    await pause(500);
    expect(dropped.every((probe) => probe.redis.status !== "ready")).toBe(true);
    await pause(Math.max(0, 3_000 - (Date.now() - downAt)));
    expect(dropped.every((probe) => probe.lastOkAt < downAt + 1_000)).toBe(true);
    await ha.startSentinels();
    await expectRecovered(Date.now());
    // The connections that stayed up lost their failover detectors' Sentinel links too: those come back within seconds.
    const everyConnection = probes.length + 1;
    const subscribed = await eventually(() => fewestDetectorsOnASentinel(ha), (count) => count >= everyConnection, 8_000);
    expect(subscribed).toBe(everyConnection);
  }, 60_000);

  it("follows a switchover that demotes a live primary, even on connections that ran no write since the Sentinels came back", async () => {
    await eventually(() => everySentinelSeesReplica(ha), Boolean, 15_000);
    const oldPrimary = await ha.primaryPort();
    await onServer(ha.sentinels[1]?.port ?? 0, (client) => client.call("SENTINEL", "FAILOVER", ha.masterName));
    const promoted = await eventually(() => ha.primaryPort(), (port) => port !== oldPrimary, 15_000);
    expect(promoted).not.toBe(oldPrimary);
    const switchedAt = Date.now();
    // The subscriber runs no command that READONLY could refuse: only Sentinel's +switch-master can move it off the demoted server.
    const onPromoted = await eventually(() => subscriber.redis.stream?.remotePort, (port) => port === promoted, recoverWithinMs, 50);
    expect(onPromoted, `subscriber still on ${onPromoted}, primary now ${promoted}`).toBe(promoted);
    await expectRecovered(switchedAt);
  }, 60_000);
});

/**
 * A Sentinel the test controls: names one primary, holds its answers for as
 * long as asked, and announces +switch-master when told. Speaks just enough
 * RESP2 for ioredis (HELLO is refused, so ioredis falls back to RESP2).
 */
type FakeSentinel = {
  port: number;
  answerDelayMs: number;
  /** Resolves on the next question for the primary's address. */
  nextAddressQuestion(): Promise<void>;
  subscribers(): number;
  announceSwitch(): void;
  close(): Promise<void>;
};

async function startFakeSentinel(primary: { host: string; port: number }): Promise<FakeSentinel> {
  const subscribed = new Set<Socket>();
  const sockets = new Set<Socket>();
  let onAddressQuestion: (() => void) | undefined;
  const bulk = (value: string) => `$${Buffer.byteLength(value)}\r\n${value}\r\n`;
  const array = (values: (string | number)[]) => `*${values.length}\r\n${values.map((value) => (typeof value === "number" ? `:${value}\r\n` : bulk(value))).join("")}`;

  const answer = (socket: Socket, command: string[]) => {
    const [name = "", sub = ""] = command.map((part) => part.toLowerCase());
    if (name === "hello") return socket.write("-ERR unknown command 'HELLO'\r\n");
    if (name === "subscribe") {
      subscribed.add(socket);
      return socket.write(array(["subscribe", command[1] ?? "", 1]));
    }
    if (name === "sentinel" && sub === "get-master-addr-by-name") {
      onAddressQuestion?.();
      onAddressQuestion = undefined;
      setTimeout(() => socket.writable && socket.write(array([primary.host, String(primary.port)])), fake.answerDelayMs);
      return;
    }
    if (name === "sentinel") return socket.write("*0\r\n");
    return socket.write("+OK\r\n");
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on("close", () => {
      sockets.delete(socket);
      subscribed.delete(socket);
    });
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const parsed = parseCommand(pending);
        if (!parsed) return;
        pending = pending.subarray(parsed.length);
        answer(socket, parsed.command);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the fake Sentinel has no port");
  const fake: FakeSentinel = {
    port: address.port,
    answerDelayMs: 0,
    nextAddressQuestion: () => new Promise((resolve) => {
      onAddressQuestion = resolve;
    }),
    subscribers: () => subscribed.size,
    announceSwitch() {
      const message = array(["message", "+switch-master", `safa ${primary.host} ${primary.port} ${primary.host} ${primary.port}`]);
      for (const socket of subscribed) socket.write(message);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return fake;
}

/** One RESP array of bulk strings from the front of `buffer`, or undefined until it is all there. */
function parseCommand(buffer: Buffer): { command: string[]; length: number } | undefined {
  const text = buffer.toString("latin1");
  const header = /^\*(\d+)\r\n/.exec(text);
  if (!header) return undefined;
  let offset = header[0].length;
  const command: string[] = [];
  for (let i = 0; i < Number(header[1]); i++) {
    const size = /^\$(\d+)\r\n/.exec(text.slice(offset));
    if (!size) return undefined;
    const start = offset + size[0].length;
    const end = start + Number(size[1]);
    if (text.length < end + 2) return undefined;
    command.push(buffer.subarray(start, end).toString());
    offset = end + 2;
  }
  return { command, length: offset };
}

/**
 * The race behind a connection that ended for good: its primary drops it,
 * and Sentinel's +switch-master arrives while the connection is asking a
 * Sentinel for the primary again. A fake Sentinel makes that moment exact.
 */
describe("a Sentinel connection whose primary dropped it", () => {
  let fake: FakeSentinel;
  let redis: Redis;

  beforeAll(async () => {
    const url = new URL(inject("redisUrl"));
    fake = await startFakeSentinel({ host: url.hostname, port: Number(url.port) });
  });
  afterAll(async () => {
    redis?.disconnect();
    await fake?.close();
  });

  /** Drops the connection, and has Sentinel announce a switch while the connection is asking it for the primary. */
  async function switchWhileAsking(connection: Redis): Promise<{ status: string; ended: boolean }> {
    let ended = false;
    connection.on("end", () => {
      ended = true;
    });
    expect(await waitUntilReady(connection, 5_000)).toBe(true);
    // The connection's failover detector is subscribed to the Sentinel.
    expect(await eventually(() => fake.subscribers(), (count) => count === 1, 5_000, 20)).toBe(1);
    fake.answerDelayMs = 500;
    const asking = fake.nextAddressQuestion();
    connection.stream.destroy();
    await asking;
    fake.announceSwitch();
    const status = await eventually(() => connection.status, (current) => current === "ready" || current === "end", 5_000, 20);
    fake.answerDelayMs = 0;
    return { status, ended };
  }

  it("reconnects when +switch-master lands while it is asking Sentinel for the primary", async () => {
    redis = createRedis({ kind: "sentinel", sentinels: [{ host: "127.0.0.1", port: fake.port }], masterName: "safa" });
    expect(await switchWhileAsking(redis)).toEqual({ status: "ready", ended: false });
    expect(await redis.ping()).toBe("PONG");
  }, 15_000);

  it("and so does a duplicate() of it, as the REST waker and the Gateway's member-change listener open", async () => {
    redis.disconnect();
    await eventually(() => fake.subscribers(), (count) => count === 0, 5_000, 20);
    const duplicate = redis.duplicate();
    duplicate.on("error", () => undefined);
    try {
      expect(await switchWhileAsking(duplicate)).toEqual({ status: "ready", ended: false });
      expect(await duplicate.ping()).toBe("PONG");
    } finally {
      duplicate.disconnect();
    }
  }, 15_000);
});
