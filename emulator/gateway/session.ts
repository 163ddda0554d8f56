/**
 * Gateway sessions: what outlives a socket. Each session numbers its own dispatches (`s`),
 * keeps the latest ones for RESUME, and, once its socket is gone, waits out the resume
 * window before it is forgotten.
 */
import { randomBytes } from "node:crypto";
import type { GatewayDispatchEvents } from "discord-api-types/v10";
import type { Clock } from "../rate-limiter";

/** One numbered dispatch, as sent and as replayed. */
export type DispatchRecord = { s: number; t: `${GatewayDispatchEvents}`; d: unknown };

/** The live socket a session is attached to. */
export type SessionSink = { deliver(record: DispatchRecord): void };

export type Session = {
  readonly id: string;
  readonly intents: number;
  readonly largeThreshold: number;
  /** The last `s` handed out. */
  seq: number;
  /** Oldest first; every `s` above `droppedThrough`, except dispatches sent unbuffered (RESUMED). */
  replay: DispatchRecord[];
  /** The highest `s` trimmed from `replay`: a RESUME from below it cannot be served. */
  droppedThrough: number;
  sink: SessionSink | null;
  /** When the socket went away; null while attached. */
  detachedAt: number | null;
};

export type ReplayAnswer = { ok: true; records: DispatchRecord[] } | { ok: false };

export type SessionRegistry = ReturnType<typeof createSessionRegistry>;

export function createSessionRegistry(options: { clock: Clock; resumeWindowMs: number; replayLimit: number }) {
  const { clock, resumeWindowMs, replayLimit } = options;
  const sessions = new Map<string, Session>();

  /** Expired sessions go lazily, whenever the registry is read: no timer to leak. */
  function prune(): void {
    const now = clock();
    for (const [id, session] of sessions) {
      if (session.detachedAt !== null && now - session.detachedAt > resumeWindowMs) sessions.delete(id);
    }
  }

  return {
    create(input: { intents: number; largeThreshold: number; sink: SessionSink }): Session {
      prune();
      const session: Session = {
        id: randomBytes(16).toString("hex"),
        intents: input.intents,
        largeThreshold: input.largeThreshold,
        seq: 0,
        replay: [],
        droppedThrough: 0,
        sink: input.sink,
        detachedAt: null,
      };
      sessions.set(session.id, session);
      return session;
    },

    find(id: string): Session | undefined {
      prune();
      return sessions.get(id);
    },

    list(): Session[] {
      prune();
      return [...sessions.values()];
    },

    /** Numbers the dispatch, keeps it for RESUME (unless `buffered` is false) and sends it if a socket is attached. */
    dispatch(session: Session, t: DispatchRecord["t"], d: unknown, buffered = true): DispatchRecord {
      session.seq += 1;
      const record: DispatchRecord = { s: session.seq, t, d };
      if (buffered) {
        session.replay.push(record);
        while (session.replay.length > replayLimit) session.droppedThrough = session.replay.shift()?.s ?? session.droppedThrough;
      }
      session.sink?.deliver(record);
      return record;
    },

    detach(session: Session): void {
      session.sink = null;
      session.detachedAt = clock();
    },

    attach(session: Session, sink: SessionSink): void {
      session.sink = sink;
      session.detachedAt = null;
    },

    /** Every kept dispatch after `seq`, or not ok when `seq` is ahead of the session or older than what is kept. */
    replayAfter(session: Session, seq: number): ReplayAnswer {
      if (seq > session.seq || seq < session.droppedThrough) return { ok: false };
      return { ok: true, records: session.replay.filter((record) => record.s > seq) };
    },

    end(session: Session): void {
      sessions.delete(session.id);
    },

    clear(): void {
      sessions.clear();
    },
  };
}
