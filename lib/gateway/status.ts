import type { Redis } from "ioredis";
import { z } from "zod";
import { gatewayKeyspace } from "./keys";
import type { MirroredRole, ResyncNeededWhy } from "./mirror-ops";
import { gatewayPolicy } from "./policy";

/** The mirror's health, as the role service and the admin health panel read it. */
export type MirrorStatus = {
  /** The app may answer from the mirror: a leader's heartbeat is recent, a resync has finished and none is running or owed. */
  live: boolean;
  leaderId: string | null;
  /** Fencing token of the current (or last) leader. */
  fence: number | null;
  /** Epoch ms of the leader's last heartbeat while its Gateway connection was ready. */
  heartbeatAt: number | null;
  heartbeatAgeMs: number | null;
  resyncRunning: boolean;
  /** Since when and why the mirror may have missed events: a full resync is owed (null when none is). */
  resyncNeeded: { since: number | null; why: ResyncNeededWhy | null } | null;
  resyncStartedAt: number | null;
  resyncDoneAt: number | null;
  resyncCount: number;
  lastEventAt: number | null;
  lastEventSeq: number | null;
  /** How far behind Discord the mirror may be: the age of the leader's last confirmation that it is connected. */
  lagMs: number | null;
  membersMirrored: number;
};

/** A member as the mirror holds it, in the role service's snapshot format. */
export type MirroredSnapshot = { member: boolean; roles: string[]; nick: string | null; joinedAt: string | null; fetchedAt: number };

const optionalNumber = z.coerce.number().optional();
const statusSchema = z.object({
  leaderId: z.string().optional(),
  fence: optionalNumber,
  heartbeatAt: optionalNumber,
  resync: z.enum(["needed", "running", "done"]).optional(),
  resyncNeededAt: optionalNumber,
  resyncNeededWhy: z.enum(["session-lost", "no-session", "primary-changed"]).optional().catch(undefined),
  resyncStartedAt: optionalNumber,
  resyncDoneAt: optionalNumber,
  resyncCount: optionalNumber,
  lastEventAt: optionalNumber,
  lastEventSeq: optionalNumber,
  membersMirrored: optionalNumber,
});
const snapshotSchema = z.object({
  member: z.boolean(),
  roles: z.array(z.string()),
  nick: z.string().nullable(),
  joinedAt: z.string().nullable(),
  fetchedAt: z.number(),
});
const roleSchema = z.object({ id: z.string(), name: z.string(), permissions: z.string(), position: z.number(), managed: z.boolean() });

/** Pure: what a status hash means at `nowMs`. */
export function describeMirrorStatus(raw: Record<string, string>, nowMs: number, heartbeatStaleMs: number = gatewayPolicy.heartbeatStaleMs): MirrorStatus {
  const parsed = statusSchema.safeParse(raw);
  const s = parsed.success ? parsed.data : {};
  const heartbeatAgeMs = s.heartbeatAt === undefined ? null : Math.max(0, nowMs - s.heartbeatAt);
  const resyncRunning = s.resync === "running";
  const live = heartbeatAgeMs !== null && heartbeatAgeMs <= heartbeatStaleMs && s.resync === "done";
  return {
    live,
    leaderId: s.leaderId ?? null,
    fence: s.fence ?? null,
    heartbeatAt: s.heartbeatAt ?? null,
    heartbeatAgeMs,
    resyncRunning,
    resyncNeeded: s.resync === "needed" ? { since: s.resyncNeededAt ?? null, why: s.resyncNeededWhy ?? null } : null,
    resyncStartedAt: s.resyncStartedAt ?? null,
    resyncDoneAt: s.resyncDoneAt ?? null,
    resyncCount: s.resyncCount ?? 0,
    lastEventAt: s.lastEventAt ?? null,
    lastEventSeq: s.lastEventSeq ?? null,
    lagMs: heartbeatAgeMs,
    membersMirrored: s.membersMirrored ?? 0,
  };
}

export async function readMirrorStatus(redis: Redis, guildId: string, options: { nowMs?: number; prefix?: string } = {}): Promise<MirrorStatus> {
  const raw = await redis.hgetall(gatewayKeyspace(guildId, options.prefix).status);
  return describeMirrorStatus(raw, options.nowMs ?? Date.now());
}

/**
 * A member's roles from the mirror, with the mirror's status. While the
 * mirror is live, a user it does not hold is not a member (confirmed at the
 * last heartbeat); while it is not live, `snapshot` is null and the caller
 * asks Discord as before.
 */
export async function readMirroredMember(
  redis: Redis,
  guildId: string,
  userId: string,
  options: { nowMs?: number; prefix?: string } = {},
): Promise<{ status: MirrorStatus; snapshot: MirroredSnapshot | null }> {
  const keys = gatewayKeyspace(guildId, options.prefix);
  const [raw, record] = await Promise.all([redis.hgetall(keys.status), redis.hget(keys.members, userId)]);
  const status = describeMirrorStatus(raw, options.nowMs ?? Date.now());
  if (!status.live) return { status, snapshot: null };
  if (record === null) return { status, snapshot: { member: false, roles: [], nick: null, joinedAt: null, fetchedAt: status.heartbeatAt ?? 0 } };
  const parsed = snapshotSchema.safeParse(JSON.parse(record));
  return { status, snapshot: parsed.success ? parsed.data : null };
}

/** The guild's roles as the mirror last saw them (empty before the first GUILD_CREATE). */
export async function readMirroredRoles(redis: Redis, guildId: string, options: { prefix?: string } = {}): Promise<MirroredRole[]> {
  const raw = await redis.hvals(gatewayKeyspace(guildId, options.prefix).roles);
  return raw.flatMap((value) => {
    const parsed = roleSchema.safeParse(JSON.parse(value));
    return parsed.success ? [parsed.data] : [];
  });
}
