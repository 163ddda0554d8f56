import type { Redis } from "ioredis";
import { moduleLogger } from "@/lib/log";
import type { EventKeys } from "./keys";

const log = moduleLogger("events");

/** Called when a user's log may hold something new; the stream reads the log itself. */
export type Wake = () => void;

export type EventHub = {
  /** Wakes `wake` on every notice for the user, until the returned function is called. */
  listen(userId: string, wake: Wake): () => void;
  close(): Promise<void>;
};

/**
 * One pub/sub subscription per process, fanned out to its open streams by
 * user id. A message only says "look at this user's log", so a lost
 * message costs nothing once the connection is back: on every (re)connect
 * each stream is woken to catch up from the log.
 *
 * `subscriber` is a connection of its own: a subscribed connection can run
 * no other command.
 */
export function createEventHub(subscriber: Redis, keys: EventKeys): EventHub {
  const listeners = new Map<string, Set<Wake>>();

  function wakeAll(): void {
    for (const wakes of listeners.values()) for (const wake of wakes) wake();
  }

  async function subscribe(): Promise<void> {
    try {
      await subscriber.subscribe(keys.wakeChannel);
      wakeAll();
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, "live updates could not subscribe; retrying on reconnect");
    }
  }

  subscriber.on("message", (channel: string, userId: string) => {
    if (channel !== keys.wakeChannel) return;
    for (const wake of listeners.get(userId) ?? []) wake();
  });
  subscriber.on("ready", () => void subscribe());
  if (subscriber.status === "ready") void subscribe();

  return {
    listen(userId, wake) {
      let wakes = listeners.get(userId);
      if (!wakes) {
        wakes = new Set();
        listeners.set(userId, wakes);
      }
      wakes.add(wake);
      return () => {
        wakes.delete(wake);
        if (wakes.size === 0 && listeners.get(userId) === wakes) listeners.delete(userId);
      };
    },
    async close() {
      listeners.clear();
      subscriber.disconnect();
    },
  };
}
