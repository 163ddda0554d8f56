import type { MirrorStatus } from "@/lib/gateway/status";
import { gatewayPolicy } from "@/lib/gateway/policy";
import type { MirrorHealth } from "./answer";

const liveHeadline = "Live: roles come from Discord's Gateway";
const notLiveHeadline = "Not live: roles are looked up with each member's login, paced by Discord's limits";

/** Seconds for a person: one decimal under 10 s ("0.4 s"), whole seconds above ("42 s"). */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1_000;
  return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

/** Why the mirror may have missed events, for an operator. */
const resyncNeededReasons = {
  "session-lost": "the Gateway session was lost",
  "no-session": "the leader had no Gateway session to resume",
  "primary-changed": "Redis changed primary, so the mirror may have rolled back",
  unknown: "the mirror may have missed events",
} as const;

/**
 * Why the mirror is not live, in the order an operator would check: is a
 * worker leading and connected, is a member sync running, due or still to
 * finish. Empty while it is live.
 */
export function notLiveReasons(status: MirrorStatus, heartbeatStaleMs: number = gatewayPolicy.heartbeatStaleMs): string[] {
  if (status.live) return [];
  const reasons: string[] = [];
  const heartbeatFresh = status.heartbeatAgeMs !== null && status.heartbeatAgeMs <= heartbeatStaleMs;
  if (status.leaderId === null) reasons.push("no Gateway worker has taken the lead");
  else if (status.heartbeatAgeMs === null) reasons.push("the leader has not connected to the Gateway yet");
  else if (!heartbeatFresh) reasons.push(`no leader is connected: the last heartbeat is ${formatSeconds(status.heartbeatAgeMs)} old`);
  if (status.resyncRunning) reasons.push("a full member sync is running");
  else if (status.resyncNeeded) reasons.push(`${resyncNeededReasons[status.resyncNeeded.why ?? "unknown"]}: a full member sync is due`);
  // The remaining way not to be live: connected, nothing running, and no sync ever finished.
  else if (status.resyncDoneAt === null || reasons.length === 0) reasons.push("no full member sync has finished yet");
  return reasons;
}

/**
 * The health panel's view of the mirror: one sentence saying where roles
 * come from now, why when it is not the Gateway, and the numbers behind
 * it. `status` null: Redis did not answer, so the app cannot use the
 * mirror either.
 */
export function describeMirror(status: MirrorStatus | null, nowMs: number, heartbeatStaleMs: number = gatewayPolicy.heartbeatStaleMs): MirrorHealth {
  if (status === null) {
    return {
      statusRead: false,
      live: false,
      sentence: notLiveHeadline,
      reasons: ["the mirror's status could not be read from Redis"],
      leaderId: null,
      membersMirrored: null,
      resyncCount: null,
      resyncRunning: false,
      lastEventAgeSeconds: null,
      lagSeconds: null,
    };
  }
  const lag = status.lagMs === null ? "" : `, ${formatSeconds(status.lagMs)} behind`;
  return {
    statusRead: true,
    live: status.live,
    sentence: status.live ? `${liveHeadline}${lag}` : notLiveHeadline,
    reasons: notLiveReasons(status, heartbeatStaleMs),
    leaderId: status.leaderId,
    membersMirrored: status.membersMirrored,
    resyncCount: status.resyncCount,
    resyncRunning: status.resyncRunning,
    lastEventAgeSeconds: status.lastEventAt === null ? null : Math.max(0, nowMs - status.lastEventAt) / 1_000,
    lagSeconds: status.lagMs === null ? null : status.lagMs / 1_000,
  };
}
