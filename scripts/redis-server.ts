import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { Socket } from "node:net";
import { findFreePort } from "./free-port";

export type RedisServerHandle = {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
};

export type RedisServerOptions = {
  dataDir: string;
  port?: number;
  /** `everysec` loses at most one second of writes on a power cut; `always` loses none but fsyncs every write. */
  appendfsync?: "always" | "everysec";
  /** Start as a replica of this primary (a Sentinel may later promote it or point it elsewhere). */
  replicaOf?: { host: string; port: number };
  /** Further `--name value` settings, after the defaults (so they override them). */
  extraArgs?: string[];
};

/**
 * Starts a private redis-server on loopback with append-only persistence,
 * so the demo and the tests never depend on a Redis someone else runs.
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  const port = options.port ?? (await findFreePort());
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--dir", options.dataDir,
    "--appendonly", "yes",
    "--appendfsync", options.appendfsync ?? "everysec",
    "--save", "",
    "--daemonize", "no",
    "--protected-mode", "yes",
    "--loglevel", "warning",
    ...(options.replicaOf ? ["--replicaof", options.replicaOf.host, String(options.replicaOf.port)] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  await Promise.race([waitForPing(port, 10_000), spawnError, exited.then(() => {
    throw new Error(`redis-server exited at start: ${stderr.trim()}`);
  })]);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dataDir: options.dataDir,
    process: child,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}
