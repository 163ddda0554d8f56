import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { findFreePort } from "../scripts/free-port";
import type { StrategyName } from "./strategies";

export const projectRoot = resolve(__dirname, "..");

export type Child = {
  name: string;
  process: ChildProcess;
  logFile: string;
  /** CPU time the process has used so far (user + system), milliseconds; null where /proc cannot tell. */
  cpuMs(): number | null;
  stop(): Promise<void>;
};

/** Linux reports /proc times in USER_HZ, 100 per second on every architecture Node runs on. */
const procTicksPerSecond = 100;

function readCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself hold spaces and parentheses: state is [0], utime [11], stime [12].
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1_000) / procTicksPerSecond : null;
  } catch {
    return null;
  }
}

/**
 * Starts a child in a process group of its own, its output in a log file
 * (a pipe nobody reads would block it), and stops it by that group's id:
 * SIGTERM, then SIGKILL after a grace period.
 */
export function spawnChild(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logDir: string }): Child {
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return {
    name,
    process: child,
    logFile,
    cpuMs: () => readCpuMs(child.pid),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** A TypeScript entry point of this repository, run by node with tsx's loader (no npx wrapper in between). */
export function spawnTs(name: string, file: string, args: string[], options: { env?: Record<string, string>; logDir: string }): Child {
  return spawnChild(name, process.execPath, ["--import", "tsx", join(projectRoot, file), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...options.env },
    logDir: options.logDir,
  });
}

/** Waits until `url` answers below 500, failing early if the child died. */
export async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited before answering ${url}; see ${child.logFile}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms; see ${child.logFile}`);
}

/** The Discord emulator with its default limits, in its own process so its work does not skew the tabs' clocks. */
export async function startEmulatorProcess(logDir: string): Promise<{ url: string; child: Child }> {
  const port = await findFreePort();
  const child = spawnTs("emulator", "emulator/main.ts", ["--port", String(port)], { logDir });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/__emulator/personas`, child, 30_000).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  return { url, child };
}

export type InstanceConfig = { strategy: StrategyName; redisUrl: string; apiBase: string; guildId: string; secret: string; clientId: string; clientSecret: string };

/** One "app instance": bench/focus-instance.ts serving GET /api/roles with one strategy. */
export async function startInstance(index: number, config: InstanceConfig, logDir: string): Promise<{ url: string; child: Child }> {
  const port = await findFreePort();
  const child = spawnTs(
    `instance-${config.strategy}-${index}`,
    "bench/focus-instance.ts",
    [
      "--strategy", config.strategy,
      "--port", String(port),
      "--redis-url", config.redisUrl,
      "--api-base", config.apiBase,
      "--guild-id", config.guildId,
      "--client-id", config.clientId,
      "--client-secret", config.clientSecret,
    ],
    { logDir, env: { BENCH_TOKEN_SECRET: config.secret } },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child, 30_000).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  return { url, child };
}
