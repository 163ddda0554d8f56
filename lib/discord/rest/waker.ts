import type { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * Wakes waiters when a slot may have been freed. Answers recorded by any
 * process are published on one Redis channel (message = bucket key); this
 * process keeps one subscriber connection and routes each message to its
 * local waiters. Lost messages cost at most one short, jittered poll.
 */
export class Waker {
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly options: { maxPollMs: number; jitterMs: number; log: Logger },
  ) {}

  /**
   * Starts listening on the wake channel through a duplicate of `redis`
   * (subscribers cannot run commands). The duplicate keeps an offline queue,
   * unlike the app's connection: its only command is this SUBSCRIBE, which
   * must wait for the connection rather than fail, and ioredis re-subscribes
   * by itself after a reconnect.
   */
  listen(redis: Redis, channel: string): void {
    const subscriber = redis.duplicate({ lazyConnect: false, maxRetriesPerRequest: null, enableOfflineQueue: true });
    subscriber.on("error", (error: Error) => this.options.log.debug({ err: error }, "wake subscriber error"));
    subscriber.on("message", (_channel: string, key: string) => this.notify(key));
    subscriber.subscribe(channel).catch((error: unknown) => {
      this.options.log.warn({ err: error }, "could not subscribe to REST wake-ups; waiters will poll");
    });
    this.subscriber = subscriber;
  }

  /** Wakes this process' waiters on `key`. */
  notify(key: string): void {
    const set = this.waiters.get(key);
    if (!set) return;
    this.waiters.delete(key);
    for (const wake of set) wake();
  }

  /**
   * Sleeps until `waitMs` passed (exact waits: a known reset) or until a wake-up
   * on `key` or a short poll (inexact waits: an answer may free the slot
   * sooner). A little jitter keeps processes from retrying in lockstep.
   */
  wait(key: string, waitMs: number, exact: boolean, signal?: AbortSignal): Promise<void> {
    const jitter = Math.random() * this.options.jitterMs;
    const sleepMs = (exact ? waitMs : Math.min(waitMs, this.options.maxPollMs)) + jitter;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        const set = this.waiters.get(key);
        set?.delete(done);
        if (set?.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, sleepMs);
      signal?.addEventListener("abort", done, { once: true });
      if (!exact && key !== "") {
        let set = this.waiters.get(key);
        if (!set) {
          set = new Set();
          this.waiters.set(key, set);
        }
        set.add(done);
      }
    });
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    // QUIT would wait in the offline queue for a Redis that may never come back.
    if (subscriber.status !== "ready") {
      subscriber.disconnect();
      return;
    }
    try {
      await subscriber.quit();
    } catch {
      subscriber.disconnect();
    }
  }
}
