import { watchPrimaryChanges } from "./admin/redis-health";
import { EnvError, getEnv } from "./env";
import { moduleLogger } from "./log";
import { getRedis } from "./redis/client";
import { waitUntilReady } from "./redis/connection";
import { checkPersistence } from "./redis/persistence";

const log = moduleLogger("startup");

/** How long start-up waits for Redis before serving anyway (answers degrade, then recover on reconnect). */
const redisStartupWaitMs = 5_000;

/**
 * Runs once per server process before it serves: configuration must be
 * valid (else exit with one line naming the variable); Redis is awaited
 * briefly and its persistence settings checked, with a warning when off.
 */
export async function checkStartup(): Promise<void> {
  try {
    getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const redis = getRedis();
  // From the first connection on, so a failover at any time in the process's life is counted.
  watchPrimaryChanges();
  if (!(await waitUntilReady(redis, redisStartupWaitMs))) {
    log.warn("redis is not reachable yet; serving degraded answers until it is");
    return;
  }
  for (const warning of await checkPersistence(redis)) log.warn(warning);
}
