import type { Redis } from "ioredis";
import { moduleLogger } from "@/lib/log";

const log = moduleLogger("redis");

/** The connection now talks to a different Redis server than before: after a failover, or a restart that lost its identity. */
export type PrimaryChange = { previousRunId: string; runId: string; at: number };

/**
 * Calls `listener` each time the connection becomes ready on a Redis server
 * whose `run_id` differs from the one it was on before (never on the first
 * ready). A new run_id means state written shortly before may be missing
 * (a replica promoted before it had everything, or a restart from an older
 * file), so callers treat what they keep in Redis conservatively for a
 * while. Process-local: each process learns it from its own connection.
 * Returns a function that stops watching.
 */
export function watchPrimary(redis: Redis, listener: (change: PrimaryChange) => void): () => void {
  let runId: string | undefined;
  let stopped = false;
  // Each ready starts a check; only the latest may record, or a slow answer from the server before would undo a newer one.
  let latestCheck = 0;
  const check = async () => {
    const thisCheck = ++latestCheck;
    const current = await readRunId(redis).catch((error: unknown) => {
      log.warn({ err: (error as Error).message }, "could not read the Redis server's run_id after a reconnect");
      return undefined;
    });
    if (stopped || current === undefined || thisCheck !== latestCheck) return;
    const previousRunId = runId;
    runId = current;
    if (previousRunId === undefined || previousRunId === current) return;
    try {
      listener({ previousRunId, runId: current, at: Date.now() });
    } catch (error) {
      log.error({ err: (error as Error).message }, "a listener for Redis primary changes failed");
    }
  };
  const onReady = () => void check();
  redis.on("ready", onReady);
  if (redis.status === "ready") onReady();
  return () => {
    stopped = true;
    redis.off("ready", onReady);
  };
}

async function readRunId(redis: Redis): Promise<string | undefined> {
  const info = await redis.info("server");
  return /^run_id:([0-9a-f]+)/m.exec(info)?.[1];
}
