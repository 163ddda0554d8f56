/** A hold as this process wrote it to Redis: its key, its value, and when it ends on this process's clock. */
export type RememberedHold = { key: string; value: string; untilMs: number };

/**
 * The holds this process itself set in the shared limiter state: a
 * Cloudflare ban of the egress IP, a sub-limit block of a route, a rejected
 * token. A failover may roll them back to an older copy that lacks them; the
 * process then sets its own again (see rest-restore-holds), so no process
 * sends during a ban it could have known of.
 */
export type HoldMemory = {
  /** Keeps the later end when the key is already remembered. */
  remember(key: string, value: string, untilMs: number): void;
  /** The holds not yet over at `nowMs`, with the time each has left. */
  recent(nowMs: number): { key: string; value: string; leftMs: number }[];
};

/** How many holds a process remembers: far more than it sets while they last (an hour at most, for a ban or a rejected token). */
export const holdMemoryMax = 1_000;

/**
 * `entriesMax` bounds memory: past it the hold ending soonest is dropped,
 * the one whose loss costs least. Holds are rare (a ban, a 401, a hidden
 * sub-limit), so the bound is a safety net, not a working size.
 */
export function createHoldMemory(entriesMax: number): HoldMemory {
  const holds = new Map<string, RememberedHold>();
  const dropSoonest = () => {
    let soonest: string | undefined;
    let soonestUntil = Number.POSITIVE_INFINITY;
    for (const hold of holds.values()) {
      if (hold.untilMs < soonestUntil) {
        soonest = hold.key;
        soonestUntil = hold.untilMs;
      }
    }
    if (soonest !== undefined) holds.delete(soonest);
  };
  return {
    remember(key, value, untilMs) {
      const known = holds.get(key);
      holds.set(key, { key, value, untilMs: Math.max(untilMs, known?.untilMs ?? untilMs) });
      while (holds.size > entriesMax) dropSoonest();
    },
    recent(nowMs) {
      const left: { key: string; value: string; leftMs: number }[] = [];
      for (const hold of holds.values()) {
        if (hold.untilMs <= nowMs) holds.delete(hold.key);
        else left.push({ key: hold.key, value: hold.value, leftMs: hold.untilMs - nowMs });
      }
      return left;
    },
  };
}
