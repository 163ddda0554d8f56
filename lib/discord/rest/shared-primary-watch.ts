import type { Redis } from "ioredis";
import { watchPrimary, type PrimaryChange } from "../../redis/primary-watch";

type Listener = (change: PrimaryChange) => void;

const watches = new WeakMap<Redis, { listeners: Set<Listener>; stop: () => void }>();

/**
 * `watchPrimary` once per connection, however many clients share it (the
 * app's, the role service's, a test's dozens): one `ready` listener and one
 * INFO per reconnect, fanned out to every client still open.
 */
export function sharedWatchPrimary(redis: Redis, listener: Listener): () => void {
  let watch = watches.get(redis);
  if (!watch) {
    const listeners = new Set<Listener>();
    const stop = watchPrimary(redis, (change) => {
      for (const each of listeners) each(change);
    });
    watch = { listeners, stop };
    watches.set(redis, watch);
  }
  const current = watch;
  current.listeners.add(listener);
  return () => {
    current.listeners.delete(listener);
    if (current.listeners.size > 0 || watches.get(redis) !== current) return;
    current.stop();
    watches.delete(redis);
  };
}
