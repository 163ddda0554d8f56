import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const projectRoot = resolve(__dirname, "..", "..");

export type Child = {
  name: string;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** CPU time the process has used so far (user + system), milliseconds; null where /proc cannot tell. */
  cpuMs(): number | null;
  stop(graceMs?: number): Promise<void>;
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

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Starts a child in a process group of its own (so stopping it also stops
 * whatever it forks, as `next build` does), its output in a log file (a pipe
 * nobody reads would block it), and stops it by that group: SIGTERM, then
 * SIGKILL after a grace period.
 */
export function spawnChild(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logDir: string }): Child {
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return {
    name,
    process: child,
    logFile,
    exited,
    cpuMs: () => readCpuMs(child.pid),
    async stop(graceMs = 8_000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const pid = child.pid;
      signalGroup(pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // Whatever the group's leader left behind goes with it.
      signalGroup(pid, "SIGKILL");
    },
  };
}

/** A TypeScript entry point of this repository, run by node with tsx's loader (no npx wrapper in between). */
export function spawnTs(name: string, file: string, args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; logDir: string }): Child {
  return spawnChild(name, process.execPath, ["--import", "tsx", join(projectRoot, file), ...args], {
    cwd: options.cwd ?? projectRoot,
    env: { ...process.env, ...options.env },
    logDir: options.logDir,
  });
}

/** Waits until `url` answers below 500, failing early if the child died. */
export async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) throw new Error(`${child.name} exited before answering ${url}; see ${child.logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms; see ${child.logFile}`);
}

/** Resolves with `child` once `url` answers; a child that never does is stopped before the error is passed on. */
export async function untilAnswering(child: Child, url: string, timeoutMs: number): Promise<Child> {
  try {
    await waitForHttp(url, child, timeoutMs);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}
