import type { Redis } from "ioredis";
import { z } from "zod";
import { runScript } from "@/lib/redis/lua-script";
import { gatewayMirrorApplyScript } from "@/lib/redis/scripts/gateway-mirror-apply";
import type { GatewayKeys } from "./keys";
import type { MirrorOp } from "./mirror-ops";

/** The writer lost its lease: a newer leader holds the mirror, and this one must stop. */
export class StaleFenceError extends Error {
  override name = "StaleFenceError";
}

export type ApplyResult = { sequence: number; changed: string[]; sessionId: string | null };

const replySchema = z.union([
  z.tuple([z.literal(0)]),
  z.tuple([z.literal(1), z.number(), z.array(z.string()), z.string()]),
]);

/**
 * Applies steps to the mirror as the holder of the lease `holder`; throws
 * StaleFenceError when the lease is someone else's (nothing was written).
 */
export async function applyMirrorOps(
  redis: Redis,
  keys: GatewayKeys,
  holder: string,
  ops: readonly MirrorOp[],
  options: { nowMs: number; cacheTtlSeconds: number },
): Promise<ApplyResult> {
  const reply = replySchema.parse(
    await runScript(redis, gatewayMirrorApplyScript, {
      keys: {
        leaseKey: keys.lease,
        sessionKey: keys.session,
        statusKey: keys.status,
        membersKey: keys.members,
        rolesKey: keys.roles,
        resyncSeenKey: keys.resyncSeen,
        identitiesKey: keys.identities,
      },
      args: { holder, ops: JSON.stringify(ops), nowMs: options.nowMs, cacheTtlSeconds: options.cacheTtlSeconds, cachePrefix: keys.memberCachePrefix },
    }),
  );
  if (reply[0] === 0) throw new StaleFenceError(`the Gateway lease is no longer held by ${holder}`);
  const [, sequence, changed, sessionId] = reply;
  return { sequence, changed, sessionId: sessionId === "" ? null : sessionId };
}
