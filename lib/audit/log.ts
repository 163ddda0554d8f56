import "server-only";
import type { Redis } from "ioredis";
import { z } from "zod";
import { requestStreamOf } from "./streams";

export { requestStreamOf };

/** Every action the audit log names; the admin area shows them as written. */
export const auditActions = [
  "profile.save",
  "team.create",
  "team.adopt",
  "team.mark",
  "team.request",
  "team.withdraw",
  "team.approve",
  "team.decline",
  "team.remove",
  "team.leave",
  "team.transfer",
  "team.disband",
  "team.offer",
  "team.offer-withdraw",
  "team.offer-decline",
  "team.offer-accept",
  "window.open",
  "window.close",
  "window.schedule",
  "roster.lock",
  "roster.unlock",
  "season.set",
] as const;
export type AuditAction = (typeof auditActions)[number];

const auditEntrySchema = z.object({
  /** Epoch milliseconds. */
  at: z.number(),
  actorId: z.string(),
  actorName: z.string(),
  action: z.enum(auditActions),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  targetId: z.string().nullable(),
  /** A short human note ("roster 5/23", "declined by admin"). */
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/**
 * Who the audit names for a change made on Discord itself (a team role
 * given, taken or deleted there) that the dashboard followed: no user of
 * the dashboard asked for it.
 */
export const madeOnDiscord = { actorId: "discord", actorName: "made on Discord" } as const;

/** An entry before it is stamped with its time (as journals keep it until the commit). */
export const auditInputSchema = auditEntrySchema.omit({ at: true });
export type AuditInput = Omit<AuditEntry, "at">;

/**
 * The JSON an audit entry is stored as. Entries are appended by the same Lua
 * script that makes the change, so a change is never recorded without its
 * entry, nor the reverse.
 */
export function auditJson(input: AuditInput, at: number): string {
  return JSON.stringify(auditEntrySchema.parse({ ...input, at }));
}

type StreamRow = [id: string, fields: string[]];

/** Stream ids are `<ms>-<seq>`; newer first. */
function newerFirst([a]: StreamRow, [b]: StreamRow): number {
  const [aMs = 0, aSeq = 0] = a.split("-").map(Number);
  const [bMs = 0, bSeq = 0] = b.split("-").map(Number);
  return bMs - aMs || bSeq - aSeq;
}

/** The newest `count` entries of one stream, newest first; an entry that does not parse is skipped rather than hiding the rest. */
export async function readAuditStream(redis: Redis, key: string, count: number): Promise<AuditEntry[]> {
  return parseRows(await redis.xrevrange(key, "+", "-", "COUNT", count));
}

/**
 * The newest `count` entries of the audit stream and the newest `count` of
 * its request stream, merged, newest first: however many requests there
 * were, the admin and Discord-changing entries still show.
 */
export async function readAudit(redis: Redis, key: string, count: number): Promise<AuditEntry[]> {
  const [main, requests] = await Promise.all([redis.xrevrange(key, "+", "-", "COUNT", count), redis.xrevrange(requestStreamOf(key), "+", "-", "COUNT", count)]);
  return parseRows([...main, ...requests].sort(newerFirst));
}

function parseRows(rows: readonly StreamRow[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const [, fields] of rows) {
    const index = fields.indexOf("entry");
    const raw = index >= 0 ? fields[index + 1] : undefined;
    if (raw === undefined) continue;
    const parsed = auditEntrySchema.safeParse(safeJson(raw));
    if (parsed.success) entries.push(parsed.data);
  }
  return entries;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
