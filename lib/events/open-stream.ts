import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { moduleLogger } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { beforeAnyNotice, compareNoticeIds, formatComment, formatEvent, formatRetry, type NoticeId, type ServerSentEvent } from "./format";
import type { EventHub } from "./hub";
import type { EventKeys } from "./keys";
import type { LiveRoles } from "./live-roles";
import { eventPolicy } from "./policy";

const log = moduleLogger("events");

export type EventPolicy = { -readonly [K in keyof typeof eventPolicy]: number };


export type StreamUser = { id: string; name: string; sessionId: string };

export type StreamDeps = {
  redis: Redis;
  hub: EventHub;
  keys: EventKeys;
  /** The user's roles from the role cache, never from Discord; null when the cache has none. */
  readRoles(userId: string): Promise<LiveRoles | null>;
  /** The user's team as `GET /api/teams/mine` answers it. */
  readTeam(user: StreamUser): Promise<unknown>;
  /** False once the session has ended (logout elsewhere, refused grant, left the server). */
  sessionAlive(sessionId: string): Promise<boolean>;
  policy?: Partial<EventPolicy>;
  now?: () => number;
};

/** Streams this process holds open, for its own cap. */
let openHere = 0;

/** What the browser is told to read again when the log cannot say what it missed. */
const everything = { queries: ["roles", "team"] };

const entrySchema = z.tuple([z.string(), z.array(z.string())]);
const entriesSchema = z.array(entrySchema);

function kindOf(fields: readonly string[]): string | null {
  for (let index = 0; index + 1 < fields.length; index += 2) if (fields[index] === "kind") return fields[index + 1] ?? null;
  return null;
}

type LogInfo = { lastId: NoticeId; firstId: NoticeId | null; maxDeletedId: NoticeId; trimmed: boolean };

/**
 * What XINFO STREAM says about a user's log that replay needs; null when
 * the user has no log. `trimmed`: entries were dropped by the length cap
 * (Redis does not record their ids; they all came before `firstId`).
 */
async function logInfo(redis: Redis, key: string): Promise<LogInfo | null> {
  let reply: unknown;
  try {
    reply = await redis.xinfo("STREAM", key);
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return null;
    throw error;
  }
  const flat = z.array(z.unknown()).parse(reply);
  const record = new Map<string, unknown>();
  for (let index = 0; index + 1 < flat.length; index += 2) record.set(String(flat[index]), flat[index + 1]);
  const first = entrySchema.nullable().catch(null).parse(record.get("first-entry") ?? null);
  return {
    lastId: z.string().parse(record.get("last-generated-id")),
    firstId: first?.[0] ?? null,
    maxDeletedId: z.string().catch(beforeAnyNotice).parse(record.get("max-deleted-entry-id")),
    trimmed: z.coerce.number().parse(record.get("entries-added")) > z.coerce.number().parse(record.get("length")),
  };
}

/** True when notices after `lastEventId` may have left the log: the browser cannot be told what it missed. */
function lostSince(info: LogInfo, lastEventId: NoticeId): boolean {
  if (compareNoticeIds(lastEventId, info.maxDeletedId) < 0) return true;
  return info.trimmed && info.firstId !== null && compareNoticeIds(lastEventId, info.firstId) < 0;
}

/**
 * Claims one of the user's stream slots across every process, or refuses.
 * One MULTI: expired claims (a crashed process's) go, this one is added, and
 * the count is read; an open past the cap takes its claim back.
 */
async function claimSlot(redis: Redis, key: string, slot: string, policy: EventPolicy, now: number): Promise<boolean> {
  const replies = await redis.multi().zremrangebyscore(key, "-inf", now).zadd(key, now + policy.slotLeaseMs, slot).zcard(key).pexpire(key, policy.slotLeaseMs).exec();
  const count = Number(replies?.[2]?.[1] ?? Number.POSITIVE_INFINITY);
  if (count <= policy.streamsPerUserMax) return true;
  await redis.zrem(key, slot);
  return false;
}

/**
 * Opens the signed-in user's live-update stream (`text/event-stream`).
 * Every event carries the id of the newest notice it covers; a browser
 * reconnecting with `Last-Event-ID` gets what it missed from the user's log,
 * or a `refetch` when the log no longer reaches back that far. Notices only
 * wake the stream: it reads the current data and pushes that, one event per
 * kind, so a burst of changes is one push. Nothing outlives the connection:
 * the abort of `signal` (or the reader's cancel) removes the listener, the
 * timers and the slot.
 */
export async function openEventStream(deps: StreamDeps, user: StreamUser, lastEventId: NoticeId | null, signal: AbortSignal): Promise<Response> {
  const policy: EventPolicy = { ...eventPolicy, ...deps.policy };
  const now = deps.now ?? Date.now;
  const { redis, keys } = deps;
  if (openHere >= policy.streamsPerProcessMax) {
    metrics.eventStreamsRefused.inc({ reason: "process_cap" });
    throw new ApiError("unavailable", "Live updates are busy right now; this page still updates when you come back to it.", { retryAfterSeconds: 30 });
  }
  const slot = randomUUID();
  const slotsKey = keys.openStreams(user.id);
  if (!(await claimSlot(redis, slotsKey, slot, policy, now()))) {
    metrics.eventStreamsRefused.inc({ reason: "user_cap" });
    throw new ApiError("rate_limited", `Live updates reach at most ${policy.streamsPerUserMax} open tabs. Close a SAFA Dashboard tab you no longer use; this one still updates when you come back to it.`, {
      retryAfterSeconds: 30,
    });
  }
  openHere += 1;
  metrics.eventStreamsOpen.inc();

  const encoder = new TextEncoder();
  const noticesKey = keys.notices(user.id);
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  let lastSent: NoticeId = beforeAnyNotice;
  let dirty = false;
  let pumping = false;
  /** False until the first event is written: a notice heard before then only marks the stream dirty. */
  let started = false;
  let stuckSince: number | null = null;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  const sessionTimer = setInterval(() => void checkSession(), policy.sessionCheckMs);
  const stopListening = deps.hub.listen(user.id, () => wake());

  function cleanUp(): void {
    if (closed) return;
    closed = true;
    clearTimeout(heartbeat);
    clearInterval(sessionTimer);
    stopListening();
    signal.removeEventListener("abort", cleanUp);
    openHere -= 1;
    metrics.eventStreamsOpen.dec();
    redis.zrem(slotsKey, slot).catch(() => undefined);
    try {
      controller?.close();
    } catch {
      // Already closed or errored by the reader's side.
    }
  }

  function room(): boolean {
    return !closed && controller !== undefined && (controller.desiredSize ?? 0) > 0;
  }

  function write(text: string): void {
    if (closed || !controller) return;
    controller.enqueue(encoder.encode(text));
  }

  function send(event: ServerSentEvent): void {
    write(formatEvent(event));
    metrics.eventsSent.inc({ event: event.event });
  }

  /** Sends the batch; only its last event carries the id, so a drop half-way replays the whole batch. */
  function sendBatch(events: Omit<ServerSentEvent, "id">[], id: NoticeId): void {
    events.forEach((event, index) => send(index === events.length - 1 ? { ...event, id } : event));
    lastSent = id;
  }

  function endSession(): void {
    send({ event: "session-ended", data: {} });
    cleanUp();
  }

  async function checkSession(): Promise<boolean> {
    try {
      if (await deps.sessionAlive(user.sessionId)) return true;
    } catch (error) {
      // Redis away: the session cannot be judged either way; the next check will.
      log.debug({ err: error instanceof Error ? error.message : String(error) }, "session not checked");
      return true;
    }
    endSession();
    return false;
  }

  async function currentEvents(kinds: ReadonlySet<string>): Promise<Omit<ServerSentEvent, "id">[]> {
    const events: Omit<ServerSentEvent, "id">[] = [];
    // The team first: a roles push may switch the page to a view that shows the team.
    if (kinds.has("team")) events.push({ event: "team", data: await deps.readTeam(user) });
    if (kinds.has("roles")) {
      const roles = await deps.readRoles(user.id);
      events.push(roles === null ? { event: "refetch", data: { queries: ["roles"] } } : { event: "roles", data: roles });
    }
    return events;
  }

  /** Reads the log past what was sent, and pushes the current data for what it names. */
  async function pumpOnce(): Promise<void> {
    const raw: unknown = await redis.xrange(noticesKey, `(${lastSent}`, "+", "COUNT", policy.noticesPerReadMax);
    const entries = entriesSchema.parse(raw);
    const newest = entries.at(-1);
    if (!newest) return;
    if (entries.length === policy.noticesPerReadMax) dirty = true;
    if (!(await checkSession())) return;
    const kinds = new Set(entries.map(([, fields]) => kindOf(fields) ?? "unknown"));
    const events = await currentEvents(kinds);
    if (closed) return;
    if (events.length === 0) lastSent = newest[0];
    else sendBatch(events, newest[0]);
  }

  function wake(): void {
    dirty = true;
    // Before `start` has written the first event, `lastSent` is not yet the log's end: a pump then
    // would push ahead of `ready` and replay the whole log. The wake after `start` picks it up.
    if (!started || pumping || closed || !room()) return;
    pumping = true;
    void (async () => {
      try {
        while (dirty && room()) {
          dirty = false;
          await pumpOnce();
        }
      } catch (error) {
        // Most likely Redis is away: the next heartbeat or notice tries again.
        dirty = true;
        log.warn({ err: error instanceof Error ? error.message : String(error) }, "live update not pushed");
      } finally {
        pumping = false;
      }
    })();
  }

  function beat(): void {
    if (closed) return;
    if (room()) {
      stuckSince = null;
      write(formatComment("keep-alive"));
      if (dirty) wake();
    } else {
      stuckSince ??= now();
      if (now() - stuckSince >= policy.stuckReaderMaxMs) {
        log.info({ userId: user.id }, "dropping a live-update stream whose reader stopped reading");
        cleanUp();
        return;
      }
    }
    // The lease on the key too: if every other slot went, the ZADD makes the key anew, without one.
    redis.multi().zadd(slotsKey, now() + policy.slotLeaseMs, slot).pexpire(slotsKey, policy.slotLeaseMs).exec().catch(() => undefined);
    scheduleBeat();
  }

  function scheduleBeat(): void {
    const spreadMs = Math.max(0, policy.heartbeatMaxMs - policy.heartbeatMinMs);
    heartbeat = setTimeout(beat, policy.heartbeatMinMs + Math.random() * spreadMs);
  }

  /** Where this stream starts: after what the browser saw, or (when that cannot be told) a refetch and the log's end. */
  async function start(): Promise<void> {
    const info = await logInfo(redis, noticesKey);
    const logEnd = info?.lastId ?? beforeAnyNotice;
    if (lastEventId === null) {
      // The page read its roles and team before this stream opened: a change in between wrote a
      // notice before `logEnd` and would never be pushed. So the first event carries the current
      // data, read after the log's end (a change in between is then pushed twice, never lost).
      // Roles only when the mirror or the cache knows them: the page has just asked for them.
      const [team, roles] = await Promise.all([deps.readTeam(user), deps.readRoles(user.id)]);
      sendBatch([{ event: "ready", data: { resumed: false, team, ...(roles === null ? {} : { roles }) } }], logEnd);
      return;
    }
    // "0-0": the log was empty when the tab last heard; anything in it now came after.
    const tooOld = lastEventId !== beforeAnyNotice && compareNoticeIds(lastEventId, `${Math.max(0, now() - policy.noticeLogTtlSeconds * 1_000)}-0`) < 0;
    const unknown = compareNoticeIds(lastEventId, logEnd) > 0;
    const trimmed = info !== null && lostSince(info, lastEventId);
    // A log that expired while the browser was away (`info === null`) lost what it held.
    const lost = info === null && lastEventId !== beforeAnyNotice;
    if (tooOld || unknown || trimmed || lost) {
      metrics.eventReconnects.inc({ outcome: "refetch" });
      sendBatch([{ event: "refetch", data: everything }], logEnd);
      return;
    }
    metrics.eventReconnects.inc({ outcome: "replayed" });
    // A reconnecting tab is sent the current roles and team rather than a replay of the notices:
    // the same outcome, and it also covers changes that wrote no notice because the user had no
    // stream open at that moment (the Gateway only announces members someone is watching).
    if (!(await checkSession())) return;
    sendBatch([{ event: "ready", data: { resumed: true } }, ...(await currentEvents(new Set(["team", "roles"])))], logEnd);
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
        write(formatRetry(policy.reconnectDelayMs));
      },
      pull() {
        if (dirty) wake();
      },
      cancel() {
        cleanUp();
      },
    },
    { highWaterMark: policy.bufferedBytesMax, size: (chunk) => chunk.byteLength },
  );
  signal.addEventListener("abort", cleanUp);
  if (signal.aborted) cleanUp();

  try {
    await start();
  } catch (error) {
    cleanUp();
    throw error;
  }
  started = true;
  scheduleBeat();
  wake();

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}

/** Streams this process holds open (for tests and the health panel). */
export function openStreamCount(): number {
  return openHere;
}
