import { RateLimitedError } from "./errors";

type Entry = { start(): void; fail(error: Error): void; deadlineAt: number; timer?: NodeJS.Timeout };
type Queue = { entries: Entry[]; busy: boolean; blockedUntil: number };

/**
 * Keeps requests on one bucket in call order within this process: only the
 * queue's head asks Redis for a slot; the next one starts as soon as the head
 * was granted (so requests still overlap in flight). A queued call whose
 * deadline passes, or that can see the head waiting beyond it, fails fast.
 */
export class BucketQueues {
  private readonly queues = new Map<string, Queue>();

  /**
   * Resolves when the caller is the head; call the returned function once it
   * no longer needs to be. An aborted `signal` takes a queued call out of the
   * line, so a caller that went away never holds up the ones behind it.
   */
  async enter(key: string, deadlineAt: number, route: string, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { entries: [], busy: false, blockedUntil: 0 };
      this.queues.set(key, queue);
    }
    const current = queue;
    const leave = () => this.leave(key, current);
    if (!current.busy) {
      current.busy = true;
      return leave;
    }
    if (current.blockedUntil > deadlineAt) throw new RateLimitedError(current.blockedUntil - Date.now(), "queue", route);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = current.entries.indexOf(entry);
        if (index >= 0) current.entries.splice(index, 1);
        entry.fail(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      };
      const entry: Entry = {
        deadlineAt,
        start: () => {
          clearTimeout(entry.timer);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        fail: (error) => {
          clearTimeout(entry.timer);
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      entry.timer = setTimeout(() => {
        const index = current.entries.indexOf(entry);
        if (index >= 0) current.entries.splice(index, 1);
        entry.fail(new RateLimitedError(Math.max(current.blockedUntil - Date.now(), 1), "queue", route));
      }, Math.max(deadlineAt - Date.now(), 0));
      current.entries.push(entry);
    });
    return leave;
  }

  /** The head learned it must wait until `untilMs`: queued calls that cannot outlast that fail now. */
  block(key: string, untilMs: number, route: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    queue.blockedUntil = untilMs;
    const doomed = queue.entries.filter((entry) => entry.deadlineAt < untilMs);
    queue.entries = queue.entries.filter((entry) => entry.deadlineAt >= untilMs);
    for (const entry of doomed) entry.fail(new RateLimitedError(untilMs - Date.now(), "queue", route));
  }

  private leave(key: string, queue: Queue): void {
    queue.blockedUntil = 0;
    const next = queue.entries.shift();
    if (next) {
      next.start();
      return;
    }
    queue.busy = false;
    if (this.queues.get(key) === queue) this.queues.delete(key);
  }
}
