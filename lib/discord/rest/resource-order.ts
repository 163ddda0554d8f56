import { RateLimitedError } from "./errors";
import type { ParsedRoute } from "./route";
import type { AuthScope } from "./limiter-store";

/** What a write that gave up behind an earlier one is told: that one is still in flight, so try again shortly. */
const retryBehindEarlierWriteMs = 1_000;

/**
 * Keeps writes to one resource in the order the callers gave them, within
 * this process. Bucket queues alone do not: before a bucket's hash is known
 * a PUT and a DELETE on the same member role wait in two queues (one per
 * route), and once it is known two writes still overlap in flight, so a
 * "give, then take" could reach Discord as "take, then give" and leave the
 * role on. A write here starts only after every earlier write to the same
 * path (any method) has been answered or given up. Reads are not ordered.
 * Across processes there is no caller order to keep: each caller is one
 * process, and actions on one member hold that member's lock.
 */
export class ResourceOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Resolves when every earlier write to the resource has finished; call the
   * returned function once this one has. Gives up at the deadline (a
   * `RateLimitedError` of scope "queue") or when `signal` aborts; the writes
   * behind it still wait for the ones before it.
   */
  async enter(auth: AuthScope, route: ParsedRoute, deadlineAt: number, signal?: AbortSignal): Promise<() => void> {
    if (route.method === "GET") return () => undefined;
    const key = `${auth.kind}:${auth.digest}:${route.path.split("?")[0] ?? route.path}`;
    const previous = this.tails.get(key);
    let finish = () => undefined as void;
    const mine = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const tail = previous ? previous.then(() => mine) : mine;
    this.tails.set(key, tail);
    // Forgotten once this write and all before it are over, not when this caller merely gave up waiting.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    const done = () => finish();
    if (!previous) return done;
    try {
      await waitFor(previous, deadlineAt, route.template, signal);
    } catch (error) {
      done();
      throw error;
    }
    return done;
  }

  /** Resources with writes in flight or waiting (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}

function waitFor(previous: Promise<void>, deadlineAt: number, template: string, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        reject(new RateLimitedError(retryBehindEarlierWriteMs, "queue", template));
      },
      Math.max(deadlineAt - Date.now(), 0),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
    void previous.then(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
