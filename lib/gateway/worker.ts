import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { moduleLogger } from "@/lib/log";
import { watchPrimary, type PrimaryChange } from "@/lib/redis/primary-watch";
import { gatewayKeyspace, type GatewayKeys } from "./keys";
import { acquireLease, fenceOf, releaseLease, renewLease } from "./lease";
import { startLeaderTerm, type LeaderTerm, type ResyncedListener, type RoleDeletedListener, type TermEnd } from "./leader";
import type { MemberChangeListener } from "./member-changed";
import { gatewayPolicy, type GatewayPolicy } from "./policy";

const log = moduleLogger("gateway");

export type GatewayWorkerOptions = {
  redis: Redis;
  guildId: string;
  botToken: string;
  /** Discord's API base with its version (DISCORD_API_BASE), e.g. https://discord.com/api/v10. */
  apiBase: string;
  /** Names this replica in the lease and the status; default host, pid and a random suffix. */
  workerId?: string;
  /** Key prefix of the mirror's own keys (tests isolate themselves with it); default `safa:`. */
  prefix?: string;
  policy?: Partial<GatewayPolicy>;
  now?: () => number;
  /** Called in this process for each member whose roles or membership it changed (besides the pub/sub message). */
  onMemberChanged?: MemberChangeListener;
  /** Called in this process, while it leads, for each role Discord deleted, once the mirror has dropped it. */
  onRoleDeleted?: RoleDeletedListener;
  /** Called in this process, while it leads, each time a full resync is in the mirror. */
  onResynced?: ResyncedListener;
  /** How the worker learns that its Redis connection reached another server (a failover); tests inject changes. */
  watchPrimary?: typeof watchPrimary;
};

export type GatewayWorker = {
  readonly workerId: string;
  /** Starts competing for the lease; returns at once. */
  start(): void;
  isLeader(): boolean;
  /** True while this worker leads and its Gateway connection is ready. */
  isConnected(): boolean;
  /**
   * Stops. `handover` (the default, for SIGTERM): what is queued is applied,
   * the connection closes keeping its session, and the lease is given back so
   * a standby resumes at once. `abandon`: as if the process died (the
   * standby waits for the lease to expire).
   */
  stop(end?: TermEnd): Promise<void>;
};

/**
 * A Gateway worker replica. Any number may run; the one holding the lease
 * keeps the Gateway connection and the mirror, the others poll for the
 * lease and take over (resuming the same session) within
 * `leaseMs + standbyPollMs` of the leader's death.
 *
 * When Redis changes primary, the mirror may have rolled back with it
 * (writes the old primary had not replicated are gone), so it is marked as
 * owing a full resync, not live from then, and the leader runs one (Discord's
 * 30 s all-members limit is waited out as for any resync), after which teams
 * are reconciled as after any resync. Each worker learns of the change from
 * its own connection; a standby that leads later runs the resync unless the
 * status shows one marked or begun since the change.
 */
export function createGatewayWorker(options: GatewayWorkerOptions): GatewayWorker {
  const policy: GatewayPolicy = { ...gatewayPolicy, ...options.policy };
  const keys = gatewayKeyspace(options.guildId, options.prefix);
  const now = options.now ?? Date.now;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  let holder: string | null = null;
  let term: LeaderTerm | null = null;
  let lastRenewedAt = 0;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  /** When this process saw Redis change primary, until a resync since then is known to be owed or done. */
  let resyncOwedSince: number | null = null;
  let stopWatching: (() => void) | null = null;

  function primaryChanged(change: PrimaryChange): void {
    log.warn({ workerId, previousRunId: change.previousRunId, runId: change.runId }, "redis changed primary: the mirror may have rolled back");
    resyncOwedSince ??= change.at;
    term?.resyncNow("primary-changed");
  }

  /** At the start of a lead: the resync owed since a primary change, unless another leader marked or began one since. */
  async function settleOwedResync(started: LeaderTerm): Promise<void> {
    const since = resyncOwedSince;
    if (since === null) return;
    if (await resyncMarkedSince(options.redis, keys, since).catch(() => false)) {
      if (resyncOwedSince === since) resyncOwedSince = null;
      return;
    }
    started.resyncNow("primary-changed");
  }

  async function stepDown(why: string, end: TermEnd): Promise<void> {
    const ending = term;
    const endingHolder = holder;
    term = null;
    holder = null;
    if (endingHolder) log.warn({ workerId, fence: fenceOf(endingHolder), why }, "leaving the gateway lead");
    await ending?.stop(end);
  }

  async function lead(taken: string): Promise<void> {
    holder = taken;
    lastRenewedAt = now();
    log.info({ workerId, fence: fenceOf(taken) }, "took the gateway lead");
    const started = await startLeaderTerm({
      redis: options.redis,
      keys,
      holder: taken,
      guildId: options.guildId,
      botToken: options.botToken,
      apiBase: options.apiBase,
      policy,
      now,
      ...(options.onMemberChanged ? { onMemberChanged: options.onMemberChanged } : {}),
      ...(options.onRoleDeleted ? { onRoleDeleted: options.onRoleDeleted } : {}),
      onResynced: (resynced) => {
        resyncOwedSince = null;
        options.onResynced?.(resynced);
      },
      onCaughtUp: () => void beatNow(taken),
      onFenced: () => {
        if (holder === taken) void stepDown("a write was refused", "abandon");
      },
    });
    // Stopped or fenced while the term started: end it at once.
    if (!running || holder !== taken) {
      await started.stop("abandon");
      return;
    }
    term = started;
    await settleOwedResync(started);
  }

  /**
   * The heartbeat at once when the connection has caught up (after a
   * RESUMED, say), so the mirror is live again without waiting for the next
   * renewal; a failure is left to that renewal.
   */
  async function beatNow(taken: string): Promise<void> {
    try {
      if (holder === taken && (await renewLease(options.redis, keys, taken, policy.leaseMs, now(), term?.connected() ?? false)) && holder === taken) lastRenewedAt = now();
    } catch (error) {
      log.debug({ workerId, err: (error as Error).message }, "heartbeat after catching up not written");
    }
  }

  async function tick(): Promise<void> {
    try {
      if (holder) {
        if (await renewLease(options.redis, keys, holder, policy.leaseMs, now(), term?.connected() ?? false)) lastRenewedAt = now();
        else await stepDown("the lease was lost", "abandon");
      } else {
        const taken = await acquireLease(options.redis, keys, workerId, policy.leaseMs, now());
        if (taken && running) await lead(taken);
        else if (taken) await releaseLease(options.redis, keys, taken);
      }
    } catch (error) {
      log.warn({ workerId, err: (error as Error).message }, "gateway lease check failed");
      // Unable to renew for a whole lease: it has expired and someone else may lead.
      if (holder && now() - lastRenewedAt >= policy.leaseMs) await stepDown("the lease could not be renewed", "abandon");
    }
  }

  function schedule(delayMs: number): void {
    if (!running) return;
    timer = setTimeout(() => {
      ticking = tick().finally(() => schedule(holder ? policy.renewEveryMs : policy.standbyPollMs));
    }, delayMs);
  }

  return {
    workerId,
    start() {
      if (running) return;
      running = true;
      stopWatching = (options.watchPrimary ?? watchPrimary)(options.redis, primaryChanged);
      schedule(0);
    },
    isLeader: () => holder !== null,
    isConnected: () => term?.connected() ?? false,
    async stop(end: TermEnd = "handover") {
      running = false;
      stopWatching?.();
      stopWatching = null;
      clearTimeout(timer);
      await ticking;
      const leftHolder = holder;
      await stepDown("stopping", end);
      if (end === "handover" && leftHolder) await releaseLease(options.redis, keys, leftHolder).catch(() => undefined);
    },
  };
}

/** Whether the status shows a resync marked as owed, or begun, at or after `sinceMs`, by any leader. */
async function resyncMarkedSince(redis: Redis, keys: GatewayKeys, sinceMs: number): Promise<boolean> {
  const marks = await redis.hmget(keys.status, "resyncNeededAt", "resyncStartedAt");
  return marks.some((mark) => mark !== null && Number(mark) >= sinceMs);
}
