import type { Redis } from "ioredis";
import { productKeyspace } from "@/lib/actions/keys";
import type { RedisHaHandle } from "../../scripts/redis-ha";
import { sleep } from "../shared/kit";
import type { ActionTransport, HaRecord } from "./actions";
import { runStream, type StreamPair, type StreamUser } from "./stream";

/**
 * The stream with the primary killed in its middle (SIGKILL, as a crash),
 * and the killed node started again once the Sentinels have promoted its
 * replica, as a supervisor brings a crashed machine back: it rejoins as the
 * new primary's replica. Until then no action can be acknowledged as
 * replicated when the app waits for one replica (REDIS_WAIT_REPLICAS=1)
 * and the set has only the one.
 */

export type Timeline = { killAt: number; killedPort: number; promotedAt: number | null; restartedAt: number | null };

export type StreamWithKillOptions = {
  ha: RedisHaHandle;
  send: ActionTransport;
  instances: number;
  /** The stream's own connection through the Sentinels, to read back what unsure attempts left. */
  redis: Redis;
  pairs: readonly StreamPair[];
  solos: readonly StreamUser[];
  runId: string;
  beforeKillMs: number;
  afterKillMs: number;
  progress: (message: string) => void;
};

/** Polls the Sentinels until they name a primary other than `oldPort`; the moment they did, or null. */
export async function untilPromoted(ha: RedisHaHandle, oldPort: number, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const port = await ha.primaryPort().catch(() => oldPort);
    if (port !== oldPort) return Date.now();
    await sleep(100);
  }
  return null;
}

/** Until the primary reports `replicas` replicas online, at most `timeoutMs`. */
export async function untilReplicated(redis: Redis, replicas: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = await redis.info("replication").catch(() => "");
    if ((info.match(/^slave\d+:.*state=online/gm) ?? []).length >= replicas) return true;
    await sleep(200);
  }
  return false;
}

export async function streamWithKill(options: StreamWithKillOptions): Promise<{ records: HaRecord[]; timeline: Timeline }> {
  const { ha, progress } = options;
  let stopped = false;
  const stream = runStream({ ...options, keys: productKeyspace(), stopped: () => stopped });
  try {
    await sleep(options.beforeKillMs);
    const killAt = Date.now();
    const killed = await ha.killPrimary();
    progress(`killed the primary (port ${killed.port}, pid ${killed.pid}) with SIGKILL`);
    const promotedAt = await untilPromoted(ha, killed.port, 30_000);
    let restartedAt: number | null = null;
    if (promotedAt === null) {
      progress("the Sentinels promoted no replica within 30 s");
    } else {
      progress(`the Sentinels promoted a replica after ${((promotedAt - killAt) / 1_000).toFixed(1)} s; starting the killed node again`);
      await ha.restartNode(killed.port);
      restartedAt = Date.now();
    }
    await sleep(killAt + options.afterKillMs - Date.now());
    return { records: await stop(), timeline: { killAt, killedPort: killed.port, promotedAt, restartedAt } };
  } catch (error) {
    await stop();
    throw error;
  }

  function stop(): Promise<HaRecord[]> {
    stopped = true;
    return stream;
  }
}
