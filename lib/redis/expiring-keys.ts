import type { Redis } from "ioredis";
import { z } from "zod";
import { runScript } from "./lua-script";
import { restoreExpiringKeysScript } from "./scripts/restore-expiring-keys";

/**
 * Keys with an expiry that this process itself set in shared state and that
 * others rely on while they last: the REST client's holds (a Cloudflare ban
 * of the egress IP, a sub-limit block, a rejected token) and the role
 * service's pacing locks. Redis replicates asynchronously, so a failover
 * may promote a copy that lacks the newest of them; every process then sets
 * its own again (`restoreExpiringKeys`), and no one calls Discord during a
 * hold or a pace it could have known of.
 */
export type ExpiringKeyMemory = {
  /** Keeps the later end when the key is already remembered: restoring is never kinder than what was set. */
  remember(key: string, value: string, untilMs: number): void;
  /** The keys not yet expired at `nowMs`, with the time each has left; expired ones are forgotten. */
  recent(nowMs: number): { key: string; value: string; leftMs: number }[];
  /** How many keys are remembered, expired or not (for tests and the bound). */
  size(): number;
};

/**
 * `entriesMax` bounds memory: past it the key ending soonest is forgotten,
 * which is an expired one whenever there is one, and otherwise the one whose
 * loss costs least.
 */
export function createExpiringKeyMemory(entriesMax: number): ExpiringKeyMemory {
  const entries = new Map<string, { value: string; untilMs: number }>();
  const forgetSoonest = () => {
    let soonest: string | undefined;
    let soonestUntil = Number.POSITIVE_INFINITY;
    for (const [key, entry] of entries) {
      if (entry.untilMs < soonestUntil) {
        soonest = key;
        soonestUntil = entry.untilMs;
      }
    }
    if (soonest !== undefined) entries.delete(soonest);
  };
  return {
    remember(key, value, untilMs) {
      const known = entries.get(key);
      entries.set(key, { value, untilMs: Math.max(untilMs, known?.untilMs ?? untilMs) });
      while (entries.size > entriesMax) forgetSoonest();
    },
    recent(nowMs) {
      const left: { key: string; value: string; leftMs: number }[] = [];
      for (const [key, entry] of entries) {
        if (entry.untilMs <= nowMs) entries.delete(key);
        else left.push({ key, value: entry.value, leftMs: entry.untilMs - nowMs });
      }
      return left;
    },
    size: () => entries.size,
  };
}

/** Keys per script call: a large memory is restored in several short scripts rather than one long one. */
const restoreBatch = 500;

/**
 * Sets the remembered keys again on the (new) primary: a missing key with
 * the time it has left, a present one only lengthened. Returns how many were
 * set again or lengthened.
 */
export async function restoreExpiringKeys(redis: Redis, memory: ExpiringKeyMemory, nowMs: number): Promise<number> {
  const keys = memory.recent(nowMs).map(({ key, value, leftMs }) => [key, value, leftMs]);
  let restored = 0;
  for (let start = 0; start < keys.length; start += restoreBatch) {
    const batch = keys.slice(start, start + restoreBatch);
    restored += z.number().parse(await runScript(redis, restoreExpiringKeysScript, { keys: {}, args: { entriesJson: JSON.stringify(batch) } }));
  }
  return restored;
}
