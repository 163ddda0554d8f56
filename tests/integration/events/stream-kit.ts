import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";
import { createEventHub, type EventHub } from "@/lib/events/hub";
import { eventKeyspace, type EventKeys } from "@/lib/events/keys";
import type { LiveRoles } from "@/lib/events/live-roles";
import { openEventStream, type EventPolicy, type StreamDeps, type StreamUser } from "@/lib/events/open-stream";

/**
 * Opens live-update streams against the run's Redis, as app processes
 * would, and reads them as an EventSource does. Each kit has its own key
 * prefix; each "process" its own subscriber connection and hub.
 */

export type ReadEvent = { event: string; id: string | null; data: unknown };

export const user: StreamUser = { id: "1200000000000000007", name: "Free Agent 2", sessionId: "session-live" };

export const sampleRoles: LiveRoles = { view: "player", isAdmin: false, member: true, roles: ["r1"], nick: null, fetchedAt: new Date(0).toISOString() };

/** Reads one stream's events in order, with a deadline per wait. */
export function eventReader(response: Response) {
  if (!response.body) throw new Error("no body");
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let comments = 0;
  let ended = false;
  const queue: ReadEvent[] = [];

  function drainBlocks(): void {
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event: string | null = null;
      let id: string | null = null;
      let data: string | null = null;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) comments += 1;
        else if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("id: ")) id = line.slice(4);
        else if (line.startsWith("data: ")) data = line.slice(6);
      }
      if (event !== null) queue.push({ event, id, data: data === null ? null : JSON.parse(data) });
      end = buffer.indexOf("\n\n");
    }
  }

  // A read still pending when a wait timed out is kept for the next wait, so its chunk is not lost.
  let pending: ReturnType<typeof reader.read> | null = null;

  async function readMore(deadline: number): Promise<boolean> {
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now())));
    pending ??= reader.read();
    const chunk = await Promise.race([pending, timeout]);
    if (chunk === "timeout") return false;
    pending = null;
    if (chunk.done) {
      ended = true;
      return false;
    }
    buffer += decoder.decode(chunk.value, { stream: true });
    drainBlocks();
    return true;
  }

  return {
    /** The next event, or null if none came within `waitMs` (or the stream ended). */
    async next(waitMs = 2_000): Promise<ReadEvent | null> {
      const deadline = Date.now() + waitMs;
      while (queue.length === 0 && !ended && Date.now() < deadline) if (!(await readMore(deadline))) break;
      return queue.shift() ?? null;
    },
    /** Waits for the stream to end, true if it did within `waitMs`. */
    async ends(waitMs = 2_000): Promise<boolean> {
      const deadline = Date.now() + waitMs;
      while (!ended && Date.now() < deadline) await readMore(deadline);
      return ended;
    },
    comments: () => comments,
    cancel: () => reader.cancel(),
  };
}

export function streamKit() {
  const url = inject("redisUrl");
  const keys: EventKeys = eventKeyspace(`e${randomBytes(4).toString("hex")}:`);
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const hubs: EventHub[] = [];
  const controllers: AbortController[] = [];

  /** One app process's hub: a subscriber connection of its own. Resolves once subscribed. */
  async function process(): Promise<EventHub> {
    const subscriber = new Redis(url, { maxRetriesPerRequest: 1 });
    const hub = createEventHub(subscriber, keys);
    hubs.push(hub);
    for (;;) {
      const [, count] = (await redis.pubsub("NUMSUB", keys.wakeChannel)) as [string, number];
      if (Number(count) >= hubs.length) return hub;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function open(hub: EventHub, options: { lastEventId?: string | null; deps?: Partial<StreamDeps>; policy?: Partial<EventPolicy>; as?: StreamUser } = {}) {
    const controller = new AbortController();
    controllers.push(controller);
    const deps: StreamDeps = {
      redis,
      hub,
      keys,
      readRoles: () => Promise.resolve(sampleRoles),
      readTeam: () => Promise.resolve({ team: "current" }),
      sessionAlive: () => Promise.resolve(true),
      policy: { heartbeatMinMs: 60_000, heartbeatMaxMs: 60_000, ...options.policy },
      ...options.deps,
    };
    const response = await openEventStream(deps, options.as ?? user, options.lastEventId ?? null, controller.signal);
    return { response, events: eventReader(response), abort: () => controller.abort() };
  }

  return {
    keys,
    redis,
    process,
    open,
    async close() {
      for (const controller of controllers) controller.abort();
      await Promise.all(hubs.map((hub) => hub.close()));
      redis.disconnect();
    },
  };
}
