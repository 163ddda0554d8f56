import "server-only";
import type { Redis } from "ioredis";
import { ApiError } from "@/lib/api/errors";
import { jitteredPause, tryLock, type HeldLock } from "@/lib/redis/lock";
import { runScript } from "@/lib/redis/lua-script";
import { actionLockRenewScript } from "@/lib/redis/scripts/action-lock-renew";
import type { ProductKeys } from "./keys";
import { actionPolicy } from "./policy";

/** What an action is serialised on: a team, a user, or a team name being claimed. */
export const subjects = {
  team: (teamId: string) => `team:${teamId}`,
  user: (userId: string) => `user:${userId}`,
  teamName: (normalisedName: string) => `team-name:${normalisedName}`,
};

/** The lock keys and owners a commit script checks (always two; one subject is passed twice). */
export type Fence = { keys: [string, string]; owners: [string, string] };

export type HeldSubjects = {
  subjects: readonly string[];
  holds(subject: string): boolean;
  /** Takes one more subject without waiting (for finishing another action's journal); false if busy. */
  tryAdd(subject: string): Promise<boolean>;
  fenceFor(subjects: readonly string[]): Fence;
  release(): Promise<void>;
};

/**
 * Locks every subject of an action, in one global order so two actions never
 * wait on each other crosswise, waiting a bounded time for each. The leases
 * are renewed while the action runs; the commit scripts check them (fencing),
 * so an action that outlived its lease cannot write.
 */
export async function lockSubjects(redis: Redis, keys: ProductKeys, wanted: readonly string[]): Promise<HeldSubjects> {
  const held = new Map<string, HeldLock>();
  const ordered = [...new Set(wanted)].sort();
  const deadline = Date.now() + actionPolicy.lockWaitMs;
  try {
    for (const subject of ordered) {
      let lock = await tryLock(redis, keys.lock(subject), actionPolicy.lockLeaseMs);
      while (!lock) {
        if (Date.now() > deadline) {
          throw new ApiError("busy", "Another change to this team or player is in progress. Please try again in a moment.", { retryAfterSeconds: 2 });
        }
        await jitteredPause(actionPolicy.lockPollMs);
        lock = await tryLock(redis, keys.lock(subject), actionPolicy.lockLeaseMs);
      }
      held.set(subject, lock);
    }
  } catch (error) {
    await Promise.allSettled([...held.values()].map((lock) => lock.release()));
    throw error;
  }

  const renew = setInterval(() => {
    for (const lock of held.values()) void runScript(redis, actionLockRenewScript, { keys: { lockKey: lock.key }, args: { owner: lock.owner, leaseMs: actionPolicy.lockLeaseMs } }).catch(() => undefined);
  }, actionPolicy.lockRenewEveryMs);
  renew.unref();

  const lockOf = (subject: string): HeldLock => {
    const lock = held.get(subject);
    if (!lock) throw new Error(`the action does not hold ${subject}`);
    return lock;
  };

  return {
    subjects: ordered,
    holds: (subject) => held.has(subject),
    async tryAdd(subject) {
      if (held.has(subject)) return true;
      const lock = await tryLock(redis, keys.lock(subject), actionPolicy.lockLeaseMs);
      if (lock) held.set(subject, lock);
      return lock !== null;
    },
    fenceFor(fenced) {
      const first = lockOf(fenced[0] ?? "");
      const second = fenced[1] === undefined ? first : lockOf(fenced[1]);
      return { keys: [first.key, second.key], owners: [first.owner, second.owner] };
    },
    async release() {
      clearInterval(renew);
      const locks = [...held.values()];
      const outcomes = await Promise.allSettled(locks.map((lock) => lock.release()));
      releaseLater(locks.filter((_, index) => outcomes[index]?.status === "rejected"));
    },
  };
}

/** How often a release that failed is tried again. */
const releaseRetryMs = 250;

/**
 * Tries failed releases again in the background (Redis away, or switching
 * primaries) until they go through or the lease has run out anyway:
 * otherwise a lock a promoted replica holds keeps its team or user "busy"
 * for the rest of its lease. A late release is safe: it deletes the lock
 * only while this owner still holds it.
 */
function releaseLater(locks: readonly HeldLock[]): void {
  if (locks.length === 0) return;
  const giveUpAt = Date.now() + actionPolicy.lockLeaseMs;
  let pending = [...locks];
  const retry = async () => {
    const outcomes = await Promise.allSettled(pending.map((lock) => lock.release()));
    pending = pending.filter((_, index) => outcomes[index]?.status === "rejected");
    if (pending.length > 0 && Date.now() < giveUpAt) setTimeout(() => void retry(), releaseRetryMs).unref();
  };
  setTimeout(() => void retry(), releaseRetryMs).unref();
}

/** Runs `action` holding every subject's lock, releasing them whatever happens. */
export async function withSubjects<T>(redis: Redis, keys: ProductKeys, wanted: readonly string[], action: (held: HeldSubjects) => Promise<T>): Promise<T> {
  const held = await lockSubjects(redis, keys, wanted);
  try {
    return await action(held);
  } finally {
    await held.release();
  }
}
