/**
 * The text/event-stream wire format and the ids it carries. Pure: tested
 * without a server.
 */

/** A Redis stream entry id, `ms-seq`, as an SSE event id. */
export type NoticeId = string;

/** The id before any notice: a stream that has none yet says so with this. */
export const beforeAnyNotice: NoticeId = "0-0";

const noticeIdPattern = /^(\d{1,15})-(\d{1,15})$/;

/**
 * The `Last-Event-ID` a reconnecting browser sent, if it is one of ours.
 * Anything else (absent, empty, forged, too long) counts as a fresh start.
 */
export function parseLastEventId(header: string | null): NoticeId | null {
  if (header === null) return null;
  const value = header.trim();
  return noticeIdPattern.test(value) ? value : null;
}

function parts(id: NoticeId): [bigint, bigint] {
  const match = noticeIdPattern.exec(id);
  if (!match) throw new Error(`not a notice id: ${id}`);
  return [BigInt(match[1] ?? "0"), BigInt(match[2] ?? "0")];
}

/** Negative when `a` came before `b`, zero when equal, positive after: Redis's own order of stream ids. */
export function compareNoticeIds(a: NoticeId, b: NoticeId): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

export type ServerSentEvent = { event: string; data: unknown; id?: NoticeId };

/**
 * One event as the browser's EventSource reads it. The data is one line of
 * JSON (JSON.stringify escapes every newline), so no field can end early or
 * smuggle in a field of its own.
 */
export function formatEvent({ event, data, id }: ServerSentEvent): string {
  if (!/^[a-z][a-z-]*$/.test(event)) throw new Error(`not an event name: ${event}`);
  const idLine = id === undefined ? "" : `id: ${parts(id).join("-")}\n`;
  return `event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: EventSource ignores it; it keeps proxies and the browser from calling the connection idle. */
export function formatComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/** How long the browser waits before it reconnects on its own. */
export function formatRetry(delayMs: number): string {
  return `retry: ${Math.max(0, Math.round(delayMs))}\n\n`;
}
