import "server-only";
import { getEnv } from "@/lib/env";
import { readMirrorStatus, type MirrorStatus } from "@/lib/gateway";
import { metrics } from "@/lib/metrics";
import { getRedis } from "@/lib/redis/client";
import type { MirrorHealth } from "./answer";
import { describeMirror } from "./describe-mirror";
import { readWithin } from "./read-within";

/**
 * The mirror's status as this app process sees it, or null when Redis does
 * not answer in time. Fails open to "not live", as the role service does:
 * without Redis the app cannot read the mirror either.
 */
export function readAppMirrorStatus(): Promise<MirrorStatus | null> {
  return readWithin(() => readMirrorStatus(getRedis(), getEnv().DISCORD_GUILD_ID));
}

/** The health panel's mirror entry, read at page load. */
export async function mirrorHealth(): Promise<MirrorHealth> {
  return describeMirror(await readAppMirrorStatus(), Date.now());
}

/** Lets the mirror gauges of `/api/metrics` read the status from Redis at each scrape. */
export function exposeMirrorMetrics(): void {
  metrics.readMirrorStatusFrom(readAppMirrorStatus);
}
