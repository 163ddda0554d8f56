import { REST } from "@discordjs/rest";
import { CloseCodes, WebSocketManager, WebSocketShardEvents, WebSocketShardStatus, type SessionInfo } from "@discordjs/ws";
import { GatewayDispatchEvents, GatewayIntentBits, type GatewayDispatchPayload } from "discord-api-types/v10";
import type { Redis } from "ioredis";
import { moduleLogger } from "@/lib/log";
import type { ApplyResult } from "./apply-ops";
import type { GatewayKeys } from "./keys";
import type { ResyncNeededWhy } from "./mirror-ops";
import { publishMemberChanges, type MemberChangeListener } from "./member-changed";
import { createMirrorQueue } from "./mirror-queue";
import { pause } from "./pause";
import type { GatewayPolicy } from "./policy";
import { createResync } from "./resync";
import { loadSession } from "./session-store";

const log = moduleLogger("gateway");

export type LeaderTermOptions = {
  redis: Redis;
  keys: GatewayKeys;
  /** The lease this term writes under, "<fence>:<workerId>". */
  holder: string;
  guildId: string;
  botToken: string;
  /** Discord's API base with its version, e.g. https://discord.com/api/v10. */
  apiBase: string;
  policy: GatewayPolicy;
  now: () => number;
  onMemberChanged?: MemberChangeListener;
  /** Called once a GUILD_ROLE_DELETE is in the mirror (the role is gone from it and from its holders). */
  onRoleDeleted?: RoleDeletedListener;
  /** Called once a full resync is in the mirror: every member is as Discord listed them. */
  onResynced?: ResyncedListener;
  /** Called when a connection's READY or RESUMED is in the mirror: the mirror has caught up with Discord. */
  onCaughtUp?: () => void;
  /** Called once when a write was refused: another worker holds the lease now. */
  onFenced: () => void;
};

/** How a term ends: `handover` applies what is queued first; `abandon` stops at once. Both leave the session resumable. */
export type TermEnd = "handover" | "abandon";

/** The bot's own user id comes with READY; null after a resume, whose READY an earlier leader saw. */
export type ResyncedListener = (resynced: { guildId: string; botUserId: string | null }) => void;
export type RoleDeletedListener = (deleted: { guildId: string; roleId: string }) => void;

export type LeaderTerm = {
  /** True once the current connection's READY or RESUMED is in the mirror, until it closes. */
  connected(): boolean;
  /** Marks the mirror as owing a full resync (not live from then) and runs one, now or once connected. */
  resyncNow(why: ResyncNeededWhy): void;
  stop(end: TermEnd): Promise<void>;
};

/** `@discordjs/rest` wants the API root without the version. */
export function restApiRoot(apiBase: string): string {
  return apiBase.replace(/\/+$/, "").replace(/\/v\d+$/, "");
}

/**
 * One leadership: the Gateway connection and the mirror writes of the
 * worker that holds the lease. The session lives in Redis for the next
 * leader; the sequence the library resumes from is the last dispatch the
 * mirror applied, not the last one received, so a leader that dies with
 * dispatches unapplied has them replayed to its successor.
 *
 * Whenever the mirror may have missed events (the session is lost, or the
 * term starts without one to resume), it is marked as owing a resync
 * before anything else is applied, so the app stops answering from it at
 * once rather than when the next session's resync begins. A resumable drop
 * marks nothing: Discord replays what it carried, and the heartbeat's
 * allowance covers the gap.
 */
export async function startLeaderTerm(options: LeaderTermOptions): Promise<LeaderTerm> {
  const { redis, keys, holder, guildId, policy } = options;
  let session: SessionInfo | null = await loadSession(redis, keys);
  let stopped = false;
  let everReady = false;
  /** The library's connections, counted by their closes: a READY or RESUMED belongs to the one it arrived on. */
  let socket = 0;
  let caughtUpSocket = -1;
  const socketOf = new WeakMap<GatewayDispatchPayload, number>();
  /** A resync is owed and waits for a connection to send its members request on. */
  let resyncOwed = false;
  let botUserId: string | null = null;
  /** Dispatches whose steps finish a resync: once applied, the resync is in the mirror. */
  const finishingResync = new WeakSet<GatewayDispatchPayload>();

  const rest = new REST({ api: restApiRoot(options.apiBase), version: "10" }).setToken(options.botToken);
  const manager = new WebSocketManager({
    token: options.botToken,
    intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers,
    rest,
    shardCount: 1,
    retrieveSessionInfo: () => (stopped || session === null ? null : { ...session }),
    updateSessionInfo: (_shardId, info) => sessionChanged(info),
  });

  const resync = createResync({
    guildId,
    send: async (payload) => manager.send(0, payload),
    enqueue: (op) => mirror.step(op),
    timeoutMs: policy.resyncTimeoutMs,
    log,
  });

  const mirror = createMirrorQueue({
    redis,
    keys,
    holder,
    guildId,
    policy,
    now: options.now,
    log,
    extraOps: (payload) => {
      const ops = resync.observe(payload);
      if (ops.some((op) => op.t === "resync-finish")) finishingResync.add(payload);
      return ops;
    },
    afterApplied,
    onApplied,
    onFenced: options.onFenced,
  });
  if (session === null) mirror.step({ t: "resync-needed", why: "no-session" });

  function connected(): boolean {
    return caughtUpSocket === socket && !stopped;
  }

  function startResync(): void {
    resyncOwed = false;
    resync.start();
  }

  /** The library's session changes, queued behind the dispatches already received so the mirror sees them in order. */
  function sessionChanged(info: SessionInfo | null): void {
    // Once stopping, the library's "session over" must not reach Redis: the next leader resumes it.
    if (stopped) return;
    if (info === null) {
      if (session === null) return;
      session = null;
      mirror.step({ t: "session-clear" });
      // Whatever happened since the last applied dispatch is lost with the session: only a resync can tell.
      mirror.step({ t: "resync-needed", why: "session-lost" });
      return;
    }
    if (session === null || info.sessionId !== session.sessionId) {
      session = { ...info, sequence: 0 };
      mirror.step({ t: "session", id: info.sessionId, url: info.resumeURL, shards: info.shardCount });
      return;
    }
    // The library moves the sequence when a dispatch arrives; ours moves when it is applied.
    session = { ...session, resumeURL: info.resumeURL };
  }

  async function onApplied(result: ApplyResult): Promise<void> {
    if (session !== null && result.sessionId === session.sessionId) session = { ...session, sequence: result.sequence };
    if (result.changed.length === 0) return;
    for (const userId of result.changed) options.onMemberChanged?.({ guildId, userId });
    try {
      await publishMemberChanges(redis, guildId, result.changed);
    } catch (error) {
      log.warn({ err: (error as Error).message, members: result.changed.length }, "member changes not announced");
    }
  }

  function afterApplied(payload: GatewayDispatchPayload): void {
    if (stopped) return;
    if (payload.t === GatewayDispatchEvents.Ready) {
      botUserId = payload.d.user.id;
      startResync();
    }
    if (payload.t === GatewayDispatchEvents.Resumed) {
      if (resyncOwed) startResync();
      else void resyncIfUnfinished();
    }
    if ((payload.t === GatewayDispatchEvents.Ready || payload.t === GatewayDispatchEvents.Resumed) && socketOf.get(payload) === socket) {
      caughtUpSocket = socket;
      options.onCaughtUp?.();
    }
    if (payload.t === GatewayDispatchEvents.GuildRoleDelete && payload.d.guild_id === guildId) options.onRoleDeleted?.({ guildId, roleId: payload.d.role_id });
    if (finishingResync.delete(payload)) options.onResynced?.({ guildId, botUserId });
  }

  /** After a resume the mirror is current, unless the last resync never finished (a leader died during it). */
  async function resyncIfUnfinished(): Promise<void> {
    if (resync.running()) return;
    try {
      if ((await redis.hget(keys.status, "resync")) !== "done" && !stopped && !resync.running()) startResync();
    } catch (error) {
      log.warn({ err: (error as Error).message }, "could not read whether a resync is needed; resyncing");
      if (!stopped && !resync.running()) startResync();
    }
  }

  async function refreshCacheTtls(): Promise<void> {
    const userIds = await redis.hkeys(keys.members);
    for (let i = 0; i < userIds.length; i += 1_000) {
      const pipeline = redis.pipeline();
      for (const userId of userIds.slice(i, i + 1_000)) pipeline.expire(`${keys.memberCachePrefix}${userId}`, policy.cacheTtlSeconds);
      await pipeline.exec();
    }
  }

  manager.on(WebSocketShardEvents.Dispatch, (payload) => {
    if (payload.t === GatewayDispatchEvents.Ready || payload.t === GatewayDispatchEvents.Resumed) socketOf.set(payload, socket);
    mirror.dispatch(payload);
  });
  for (const event of [WebSocketShardEvents.Ready, WebSocketShardEvents.Resumed] as const) {
    manager.on(event, () => {
      everReady = true;
    });
  }
  manager.on(WebSocketShardEvents.Closed, (code) => {
    socket += 1;
    log.info({ code }, "gateway connection closed");
  });
  manager.on(WebSocketShardEvents.Error, (error) => log.error({ err: error.message }, "gateway error"));

  /**
   * Between a close and its reconnect the library leaves the shard idle for
   * half a second, and a destroy then does nothing: the reconnect would
   * follow, a connection nobody owns. Wait for it to be connecting again.
   */
  async function untilNotBetweenConnections(): Promise<void> {
    if (!everReady) return;
    for (let attempt = 0; attempt < 4; attempt++) {
      if ((await manager.fetchStatus()).get(0) !== WebSocketShardStatus.Idle) return;
      await pause(250);
    }
  }

  async function connect(): Promise<void> {
    while (!stopped) {
      try {
        log.info({ holder, resuming: session?.sessionId ?? null }, "connecting to the gateway");
        await manager.connect();
        return;
      } catch (error) {
        log.error({ err: (error as Error).message }, "gateway connect failed; retrying");
        await pause(policy.connectRetryMs);
      }
    }
  }
  void connect();
  const refresh = () => {
    refreshCacheTtls().catch((error: unknown) => log.warn({ err: (error as Error).message }, "cache TTL refresh failed"));
  };
  // Once at the start too: under frequent leader changes the interval alone might never fire.
  refresh();
  const refreshTimer = setInterval(refresh, policy.cacheRefreshEveryMs);
  refreshTimer.unref();

  return {
    connected,
    resyncNow(why: ResyncNeededWhy) {
      if (stopped) return;
      log.warn({ why }, "the mirror may have missed events; resyncing");
      // The running request's confirmations may be lost: its finish must not count.
      resync.stop();
      mirror.step({ t: "resync-needed", why });
      // On a connection that is up, at once; otherwise when its READY or RESUMED is in the mirror.
      if (connected()) startResync();
      else resyncOwed = true;
    },
    async stop(end: TermEnd) {
      if (end === "handover") await mirror.settle(policy.leaseMs);
      stopped = true;
      mirror.close();
      resync.stop();
      clearInterval(refreshTimer);
      await untilNotBetweenConnections();
      // A close code other than 1000/1001 keeps the session alive at Discord for the next leader to resume.
      await manager.destroy({ code: CloseCodes.Resuming, reason: end });
      manager.removeAllListeners();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
