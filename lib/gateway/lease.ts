import type { Redis } from "ioredis";
import { z } from "zod";
import { runScript } from "@/lib/redis/lua-script";
import { gatewayLeaseAcquireScript } from "@/lib/redis/scripts/gateway-lease-acquire";
import { gatewayLeaseRenewScript } from "@/lib/redis/scripts/gateway-lease-renew";
import { releaseLockScript } from "@/lib/redis/scripts/release-lock";
import type { GatewayKeys } from "./keys";

/**
 * The one Gateway connection per guild is held through a lease: SET NX PX
 * with a fencing token from INCR, renewed by its holder. The holder string
 * `<fence>:<workerId>` is what every fenced write presents.
 */
const acquireReply = z.tuple([z.union([z.literal(0), z.literal(1)]), z.string()]);

/** Takes the lease when it is free; the holder string when taken, else null. */
export async function acquireLease(redis: Redis, keys: GatewayKeys, workerId: string, leaseMs: number, nowMs: number): Promise<string | null> {
  const [taken, holder] = acquireReply.parse(
    await runScript(redis, gatewayLeaseAcquireScript, {
      keys: { leaseKey: keys.lease, fenceKey: keys.fence, statusKey: keys.status },
      args: { workerId, leaseMs, nowMs },
    }),
  );
  return taken === 1 ? holder : null;
}

/** Extends the lease while `holder` still has it (false: it was lost); records the heartbeat when connected. */
export async function renewLease(redis: Redis, keys: GatewayKeys, holder: string, leaseMs: number, nowMs: number, connected: boolean): Promise<boolean> {
  const renewed = await runScript(redis, gatewayLeaseRenewScript, {
    keys: { leaseKey: keys.lease, statusKey: keys.status },
    args: { holder, leaseMs, nowMs, connected: connected ? "1" : "0" },
  });
  return renewed === 1;
}

/** Gives the lease back at once (a graceful stop), so a standby need not wait for it to expire. */
export async function releaseLease(redis: Redis, keys: GatewayKeys, holder: string): Promise<void> {
  await runScript(redis, releaseLockScript, { keys: { lockKey: keys.lease }, args: { owner: holder } });
}

/** The fencing token inside a holder string. */
export function fenceOf(holder: string): number {
  return Number(holder.slice(0, holder.indexOf(":")));
}
