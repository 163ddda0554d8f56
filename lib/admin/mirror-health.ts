import "server-only";
import { getEnv } from "@/lib/env";
import { readMirrorStatus, type MirrorStatus } from "@/lib/gateway";
import { metrics } from "@/lib/metrics";
import { getRedis } from "@/lib/redis/client";
import type { MirrorHealth } from "./answer";
import { describeMirror } from "./describe-mirror";

/** Neither the admin page nor a scrape waits longer than this for the mirror's status. */
const statusTimeoutMs = 1_000;

/**
 * The mirror's status as this app process sees it, or null when Redis does
 * not answer in time. Fails open to "not live", as the role service does:
 * without Redis the app cannot read the mirror either.
 */
export async function readAppMirrorStatus(): Promise<MirrorStatus | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), statusTimeoutMs);
  });
  try {
    return await Promise.race([readMirrorStatus(getRedis(), getEnv().DISCORD_GUILD_ID), timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The health panel's mirror entry, read at page load. */
export async function mirrorHealth(): Promise<MirrorHealth> {
  return describeMirror(await readAppMirrorStatus(), Date.now());
}

/** Lets the mirror gauges of `/api/metrics` read the status from Redis at each scrape. */
export function exposeMirrorMetrics(): void {
  metrics.readMirrorStatusFrom(readAppMirrorStatus);
}
