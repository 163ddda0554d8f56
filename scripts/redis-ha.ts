/**
 * The production shape of Redis on loopback: one primary, its replicas and
 * a few Sentinels watching them, all Debian's `redis-server` (Sentinel is
 * the same binary started with `--sentinel`). The demo's `--ha` stack, the
 * failover tests and the HA benchmark start it; it resolves once every
 * Sentinel sees the primary with all its replicas and knows the other
 * Sentinels, so a failover can be voted on from the first moment.
 *
 * No `min-replicas-to-write` on the primary: the app asks for replication
 * per action with WAIT, and answers "outcome unsure" rather than refusing
 * every write while a replica is away.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { findFreePort } from "./free-port";
import { startRedisServer, type RedisServerHandle } from "./redis-server";

export type RedisHaHandle = {
  masterName: string;
  sentinels: { host: string; port: number }[];
  /** The value for REDIS_SENTINELS: `127.0.0.1:p1,127.0.0.1:p2,...`. */
  sentinelsEnv: string;
  /** The data nodes, the first primary at start; `pid` follows restarts. */
  nodes: { port: number; pid: number; dataDir: string }[];
  /** The primary's port as a Sentinel reports it now. */
  primaryPort(): Promise<number>;
  /** SIGKILLs the current primary, as a crash would: no shutdown save, no goodbye to the replicas. */
  killPrimary(): Promise<{ port: number; pid: number }>;
  /** Starts a killed node again on its data dir, as a replica of the current primary (unless Sentinel still names it primary). */
  restartNode(port: number): Promise<void>;
  /** Freezes one Sentinel (SIGSTOP), as a hung host would: it still accepts connections but answers nothing. */
  pauseSentinel(port: number): void;
  resumeSentinel(port: number): void;
  /** Stops every Sentinel (SIGTERM); `startSentinels` starts them again on what they last wrote to their config. */
  stopSentinels(): Promise<void>;
  startSentinels(): Promise<void>;
  stop(): Promise<void>;
};

export type RedisHaOptions = {
  dataDir: string;
  /** Replicas of the primary (default 1). */
  replicas?: number;
  /** Sentinels (default 3); a majority of them must agree the primary is down. */
  sentinels?: number;
  /** How long the primary may stay silent before a Sentinel calls it down (default 2,000). */
  downAfterMs?: number;
  /** Sentinel's failover-timeout (default 10,000): also how long before a failed failover is tried again (twice this). */
  failoverTimeoutMs?: number;
  appendfsync?: "always" | "everysec";
  /** Longest wait for the whole set to be up and known to every Sentinel (default 20,000). */
  readyTimeoutMs?: number;
};

const masterName = "safa";
const host = "127.0.0.1";
const pollEveryMs = 100;

/** Starts a primary, its replicas and the Sentinels on free loopback ports under `dataDir`. */
export async function startRedisHa(options: RedisHaOptions): Promise<RedisHaHandle> {
  const replicaCount = options.replicas ?? 1;
  const sentinelCount = options.sentinels ?? 3;
  const downAfterMs = options.downAfterMs ?? 2_000;
  const failoverTimeoutMs = options.failoverTimeoutMs ?? 10_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const nodeArgs = [
    // A new replica syncs at once instead of waiting 5 s for others to join a diskless transfer.
    "--repl-diskless-sync-delay", "0",
    // A replica cut off from its primary (or a demoted primary still syncing) answers MASTERDOWN instead of old data.
    "--replica-serve-stale-data", "no",
  ];
  const servers = new Map<number, RedisServerHandle>();
  const sentinelProcesses = new Map<number, ChildProcess>();
  const nodes: RedisHaHandle["nodes"] = [];
  const sentinels: RedisHaHandle["sentinels"] = [];

  const startNode = async (port: number | undefined, replicaOf?: { host: string; port: number }) => {
    const nodePort = port ?? (await findFreePort());
    const dataDir = join(options.dataDir, `node-${nodePort}`);
    const server = await startRedisServer({ dataDir, port: nodePort, appendfsync: options.appendfsync, replicaOf, extraArgs: nodeArgs });
    servers.set(nodePort, server);
    return server;
  };

  const stopSentinels = async () => {
    await Promise.all([...sentinelProcesses.values()].map((child) => {
      // A frozen Sentinel would hold SIGTERM until thawed.
      child.kill("SIGCONT");
      return stopChild(child);
    }));
  };

  /**
   * A killed node's port stays taken (a listener that never answers, like a
   * dead host) until the node is started again: this set's Sentinels keep
   * probing it, and another server given the freed port by the kernel (a
   * concurrent test's Redis) would be taken for the old primary and made a
   * replica of this set's new one.
   */
  const reservations = new Map<number, Reservation>();
  const releasePort = async (port: number) => {
    const reservation = reservations.get(port);
    reservations.delete(port);
    if (!reservation) return;
    const closed = new Promise<void>((resolve) => reservation.server.close(() => resolve()));
    for (const socket of reservation.sockets) socket.destroy();
    await closed;
  };

  const stop = async () => {
    // Sentinels first: with them gone, stopping the primary starts no failover.
    await stopSentinels();
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await Promise.all([...reservations.keys()].map(releasePort));
  };

  try {
    const primary = await startNode(undefined);
    nodes.push({ port: primary.port, pid: pidOf(primary.process), dataDir: primary.dataDir });
    for (let i = 0; i < replicaCount; i++) {
      const replica = await startNode(undefined, { host, port: primary.port });
      nodes.push({ port: replica.port, pid: pidOf(replica.process), dataDir: replica.dataDir });
    }
    // A Sentinel reads the primary's INFO at once, then every 10 s: replicas must be online before it looks.
    await waitUntil(() => replicasOnline(primary.port, replicaCount), readyTimeoutMs, `the replicas of the Redis primary on port ${primary.port} did not come online`);
    const quorum = Math.floor(sentinelCount / 2) + 1;
    for (let i = 0; i < sentinelCount; i++) {
      const port = await findFreePort();
      const confPath = writeSentinelConfig({ dataDir: join(options.dataDir, `sentinel-${port}`), port, primaryPort: primary.port, quorum, downAfterMs, failoverTimeoutMs });
      sentinelProcesses.set(port, await startSentinel(confPath, port));
      sentinels.push({ host, port });
    }
    await waitForSentinelsReady(sentinels, replicaCount, readyTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }

  const primaryPort = () => askPrimaryPort(sentinels);
  const sentinelProcess = (port: number) => {
    const child = sentinelProcesses.get(port);
    if (!child) throw new Error(`port ${port} is not one of this set's Sentinels`);
    return child;
  };
  return {
    masterName,
    sentinels,
    sentinelsEnv: sentinels.map((sentinel) => `${sentinel.host}:${sentinel.port}`).join(","),
    nodes,
    primaryPort,
    async killPrimary() {
      const port = await primaryPort();
      const server = servers.get(port);
      if (!server) throw new Error(`the primary on port ${port} is not one of this set's nodes`);
      const pid = pidOf(server.process);
      const exited = new Promise<void>((resolve) => {
        if (server.process.exitCode !== null || server.process.signalCode !== null) resolve();
        else server.process.once("exit", () => resolve());
      });
      server.process.kill("SIGKILL");
      await exited;
      reservations.set(port, await reservePort(port));
      return { port, pid };
    },
    async restartNode(port) {
      const node = nodes.find((candidate) => candidate.port === port);
      const previous = servers.get(port);
      if (!node || !previous) throw new Error(`port ${port} is not one of this set's nodes`);
      if (previous.process.exitCode === null && previous.process.signalCode === null) throw new Error(`the node on port ${port} is still running`);
      // Straight in as a replica of whoever is primary now (as Sentinel would make it, minus the seconds
      // Sentinel takes to notice), so it never serves as a second primary to a client that still has its address.
      const primary = await primaryPort();
      await releasePort(port);
      const server = await startNode(port, primary === port ? undefined : { host, port: primary });
      node.pid = pidOf(server.process);
    },
    pauseSentinel(port) {
      sentinelProcess(port).kill("SIGSTOP");
    },
    resumeSentinel(port) {
      sentinelProcess(port).kill("SIGCONT");
    },
    stopSentinels,
    async startSentinels() {
      for (const sentinel of sentinels) {
        const child = sentinelProcesses.get(sentinel.port);
        if (child && child.exitCode === null && child.signalCode === null) continue;
        sentinelProcesses.set(sentinel.port, await startSentinel(join(options.dataDir, `sentinel-${sentinel.port}`, "sentinel.conf"), sentinel.port));
      }
    },
    stop,
  };
}

type SentinelOptions = { dataDir: string; port: number; primaryPort: number; quorum: number; downAfterMs: number; failoverTimeoutMs: number };

/** One Sentinel's config: a file in its own dir, because Sentinel rewrites it with what it learns (so a restart resumes from there). */
function writeSentinelConfig(options: SentinelOptions): string {
  mkdirSync(options.dataDir, { recursive: true });
  const confPath = join(options.dataDir, "sentinel.conf");
  writeFileSync(confPath, [
    `port ${options.port}`,
    `bind ${host}`,
    `dir ${options.dataDir}`,
    "daemonize no",
    "loglevel warning",
    `sentinel monitor ${masterName} ${host} ${options.primaryPort} ${options.quorum}`,
    `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs}`,
    `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${masterName} 1`,
    "",
  ].join("\n"));
  return confPath;
}

async function startSentinel(confPath: string, port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", [confPath, "--sentinel"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", () => reject(new Error(`redis sentinel on port ${port} exited at start: ${stderr.trim()}`))));
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  exited.catch(() => undefined);
  spawnError.catch(() => undefined);
  await Promise.race([waitUntil(() => answersPing(port), 10_000, `redis sentinel did not answer PING on port ${port}`), exited, spawnError]);
  return child;
}

/** Resolves once every Sentinel reports the primary, `replicas` healthy replicas and all the other Sentinels. */
async function waitForSentinelsReady(sentinels: { host: string; port: number }[], replicas: number, timeoutMs: number): Promise<void> {
  const lastSeen = new Map<number, string>();
  const ready = async (sentinel: { host: string; port: number }) => {
    const state = await withServer(sentinel, async (client) => {
      const seenReplicas = (await client.call("SENTINEL", "REPLICAS", masterName)) as string[][];
      const seenSentinels = (await client.call("SENTINEL", "SENTINELS", masterName)) as string[][];
      const healthy = seenReplicas.map(fieldsOf).filter((fields) => !/s_down|o_down|disconnected/.test(fields.flags ?? "") && fields["master-link-status"] === "ok");
      return { replicas: healthy.length, sentinels: seenSentinels.length };
    }).catch((error: unknown) => ({ replicas: 0, sentinels: 0, error: (error as Error).message }));
    lastSeen.set(sentinel.port, JSON.stringify(state));
    return state.replicas >= replicas && state.sentinels >= sentinels.length - 1;
  };
  try {
    await waitUntil(async () => (await Promise.all(sentinels.map(ready))).every(Boolean), timeoutMs, "");
  } catch {
    const seen = [...lastSeen].map(([port, state]) => `${port}: ${state}`).join("; ");
    throw new Error(`the Redis Sentinels did not all see the primary with ${replicas} replica(s) and each other within ${timeoutMs} ms (seen: ${seen})`);
  }
}

async function askPrimaryPort(sentinels: { host: string; port: number }[]): Promise<number> {
  const errors: string[] = [];
  for (const sentinel of sentinels) {
    try {
      const address = (await withServer(sentinel, (client) => client.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName))) as [string, string] | null;
      if (address) return Number(address[1]);
      errors.push(`${sentinel.port}: no primary known`);
    } catch (error) {
      errors.push(`${sentinel.port}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no Sentinel named the primary (${errors.join("; ")})`);
}

/** A short-lived connection to one server (a Sentinel or a data node) that gives up at once when it does not answer. */
export async function withServer<T>(sentinel: { host: string; port: number }, ask: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ host: sentinel.host, port: sentinel.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, commandTimeout: 1_000, enableOfflineQueue: true });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await ask(client);
  } finally {
    client.disconnect();
  }
}

/** Sentinel answers a flat [name, value, name, value...] list per entry. */
function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
  return fields;
}

async function replicasOnline(port: number, replicas: number): Promise<boolean> {
  const info = await withServer({ host, port }, (client) => client.info("replication")).catch(() => "");
  return (info.match(/^slave\d+:.*state=online/gm) ?? []).length >= replicas;
}

function answersPing(port: number): Promise<boolean> {
  return withServer({ host, port }, async (client) => (await client.ping()) === "PONG").catch(() => false);
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, failure: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
  }
  throw new Error(`${failure} within ${timeoutMs} ms`);
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error("redis-server has no process id");
  return child.pid;
}

async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

type Reservation = { server: Server; sockets: Set<Socket> };

/** Holds a loopback port with a listener that accepts and never answers. */
function reservePort(port: number): Promise<Reservation> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.once("close", () => sockets.delete(socket));
    });
    server.unref();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve({ server, sockets }));
  });
}
