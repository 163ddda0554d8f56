import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RunMessage, WorkerReply } from "./worker";

export type RestRunResult = Extract<WorkerReply, { type: "done" }>;

export type RestWorker = {
  pid: number;
  /** Sends a batch; resolves once the worker reports it done. */
  run(message: Omit<RunMessage, "type" | "id">, onSending?: () => void): Promise<RestRunResult>;
  kill(signal: NodeJS.Signals): void;
  close(): Promise<void>;
};

const workerPath = fileURLToPath(new URL("./worker.ts", import.meta.url));
let nextRunId = 1;

/**
 * Starts `count` worker processes (separate OS processes, each with its own
 * Redis connection) and resolves once all of them are ready to run.
 */
export async function startRestWorkers(count: number, env: Record<string, string> = {}): Promise<RestWorker[]> {
  return Promise.all(Array.from({ length: count }, () => startWorker(env)));
}

function startWorker(env: Record<string, string>): Promise<RestWorker> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", workerPath], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, LOG_LEVEL: process.env.REST_WORKER_LOG_LEVEL ?? "error", ...env },
  });
  const pending = new Map<number, { resolve(result: RestRunResult): void; reject(error: Error): void; onSending?: () => void }>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", () => {
    for (const run of pending.values()) run.reject(new Error("rest worker exited during a run"));
    pending.clear();
  });
  child.on("message", (reply: WorkerReply) => {
    if (reply.type === "sending") pending.get(reply.id)?.onSending?.();
    if (reply.type === "done") {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    }
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`rest worker exited before it was ready (code ${code})`)));
    child.once("message", (reply: WorkerReply) => {
      if (reply.type !== "ready") return;
      resolve({
        pid: child.pid ?? -1,
        run(message, onSending) {
          const id = nextRunId;
          nextRunId += 1;
          return new Promise<RestRunResult>((done, fail) => {
            pending.set(id, { resolve: done, reject: fail, ...(onSending ? { onSending } : {}) });
            child.send({ ...message, type: "run", id });
          });
        },
        kill(signal) {
          child.kill(signal);
        },
        async close() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.disconnect();
          const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}
