import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join, resolve } from "node:path";

export const projectRoot = resolve(__dirname, "..");

export type Child = { name: string; process: ChildProcess; logFile: string; exited: Promise<number | null>; stop(graceMs?: number): Promise<void> };

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Starts a child in a process group of its own (so stopping it also stops
 * whatever it forks, as `next start` does), its output in a log file, and
 * stops it by that group: SIGTERM, then SIGKILL after a grace period.
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
    await new Promise((done) => setTimeout(done, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms; see ${child.logFile}`);
}
