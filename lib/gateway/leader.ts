import { REST } from "@discordjs/rest";
import { CloseCodes, WebSocketManager, WebSocketShardEvents, WebSocketShardStatus, type SessionInfo } from "@discordjs/ws";
import { GatewayDispatchEvents, GatewayIntentBits, type GatewayDispatchPayload } from "discord-api-types/v10";
import type { Redis } from "ioredis";
import { ZodError } from "zod";
import { moduleLogger } from "@/lib/log";
import { applyMirrorOps, StaleFenceError } from "./apply-ops";
import type { GatewayKeys } from "./keys";
import { publishMemberChanges, type MemberChangeListener } from "./member-changed";
import { membersIn, opsForDispatch, type MirrorOp } from "./mirror-ops";
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
  /** Called once when a write was refused: another worker holds the lease now. */
  onFenced: () => void;
};

type QueueItem = { kind: "dispatch"; payload: GatewayDispatchPayload } | { kind: "op"; op: MirrorOp };

/** How a term ends: `handover` applies what is queued first; `abandon` stops at once. Both leave the session resumable. */
export type TermEnd = "handover" | "abandon";

export type LeaderTerm = { connected(): boolean; stop(end: TermEnd): Promise<void> };

/** A wait that never keeps the process alive by itself. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** `@discordjs/rest` wants the API root without the version. */
export function restApiRoot(apiBase: string): string {
  return apiBase.replace(/\/+$/, "").replace(/\/v\d+$/, "");
}

/**
 * One leadership: the Gateway connection and the mirror writes of the
 * worker that holds the lease. Dispatches are queued in arrival order and
 * applied one batch at a time, each batch one fenced script; the session's
 * sequence the library resumes from is the last one applied.
 */
export async function startLeaderTerm(options: LeaderTermOptions): Promise<LeaderTerm> {
  const { redis, keys, holder, guildId, policy } = options;
  let session: SessionInfo | null = await loadSession(redis, keys);
  let stopped = false;
  /** A write was refused: this term writes nothing more, whatever is queued. */
  let fenced = false;
  let ready = false;
  let everReady = false;
  const queue: QueueItem[] = [];
  let draining: Promise<void> | null = null;
  let refreshTimer: NodeJS.Timeout | undefined;

  const rest = new REST({ api: restApiRoot(options.apiBase), version: "10" }).setToken(options.botToken);
  const manager = new WebSocketManager({
    token: options.botToken,
    intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers,
    rest,
    shardCount: 1,
    retrieveSessionInfo: () => (stopped || session === null ? null : { ...session }),
    updateSessionInfo: (_shardId, info) => {
      // Once stopping, the library's "session over" must not reach Redis: the next leader resumes it.
      if (stopped) return;
      if (info === null) {
        if (session === null) return;
        session = null;
        enqueue({ kind: "op", op: { t: "session-clear" } });
        return;
      }
      if (session === null || info.sessionId !== session.sessionId) {
        session = { ...info, sequence: 0 };
        enqueue({ kind: "op", op: { t: "session", id: info.sessionId, url: info.resumeURL, shards: info.shardCount } });
        return;
      }
      // The library moves the sequence when a dispatch arrives; ours moves when it is applied.
      session = { ...session, resumeURL: info.resumeURL };
    },
  });

  const resync = createResync({
    guildId,
    send: async (payload) => manager.send(0, payload),
    enqueue: (op) => enqueue({ kind: "op", op }),
    timeoutMs: policy.resyncTimeoutMs,
    log,
  });

  function enqueue(item: QueueItem): void {
    queue.push(item);
    startDrain();
  }

  function startDrain(): void {
    if (draining || stopped || fenced) return;
    draining = drain().finally(() => {
      draining = null;
      // An item may have arrived between the loop's last look and now.
      if (queue.length > 0) startDrain();
    });
  }

  /** Takes queued items up to the member budget of one script; the first is always taken. */
  function takeBatch(): QueueItem[] {
    const batch: QueueItem[] = [];
    let members = 0;
    while (queue.length > 0) {
      const item = queue[0] as QueueItem;
      const size = item.kind === "dispatch" && item.payload.t === GatewayDispatchEvents.GuildMembersChunk ? item.payload.d.members.length : 1;
      if (batch.length > 0 && members + size > policy.membersPerApply) break;
      batch.push(item);
      members += size;
      queue.shift();
    }
    return batch;
  }

  function opsOf(item: QueueItem, after: (() => void)[]): MirrorOp[] {
    if (item.kind === "op") return [item.op];
    const { payload } = item;
    let ops: MirrorOp[];
    try {
      ops = opsForDispatch(payload, guildId);
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      log.warn({ event: payload.t, s: payload.s, issues: error.issues.length }, "malformed dispatch skipped");
      ops = [{ t: "seq", s: payload.s }];
    }
    if (payload.t === GatewayDispatchEvents.Ready) after.push(() => resync.start());
    if (payload.t === GatewayDispatchEvents.Resumed) after.push(() => void resyncIfUnfinished());
    return [...ops, ...resync.observe(payload)];
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !stopped && !fenced) {
      const batch = takeBatch();
      const after: (() => void)[] = [];
      const ops = batch.flatMap((item) => opsOf(item, after));
      if (!(await applyWithRetry(ops, batch))) return;
      for (const action of after) action();
    }
  }

  async function applyWithRetry(ops: MirrorOp[], batch: QueueItem[]): Promise<boolean> {
    for (;;) {
      if (stopped || fenced) return false;
      try {
        const result = await applyMirrorOps(redis, keys, holder, ops, { nowMs: options.now(), cacheTtlSeconds: policy.cacheTtlSeconds });
        if (session !== null && result.sessionId === session.sessionId) session = { ...session, sequence: result.sequence };
        await announce(result.changed);
        log.debug({ items: batch.length, members: ops.reduce((n, op) => n + membersIn(op), 0), sequence: result.sequence }, "mirror applied");
        return true;
      } catch (error) {
        if (error instanceof StaleFenceError) {
          log.warn({ holder }, "the mirror refused this worker's writes: another worker leads now");
          fenced = true;
          options.onFenced();
          return false;
        }
        log.warn({ err: (error as Error).message }, "mirror write failed; retrying");
        await pause(policy.retryPauseMs);
      }
    }
  }

  async function announce(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    for (const userId of userIds) options.onMemberChanged?.({ guildId, userId });
    try {
      await publishMemberChanges(redis, guildId, userIds);
    } catch (error) {
      log.warn({ err: (error as Error).message, members: userIds.length }, "member changes not announced");
    }
  }

  /** After a resume the mirror is current, unless the last resync never finished (a leader died during it). */
  async function resyncIfUnfinished(): Promise<void> {
    if (resync.running()) return;
    const state = await redis.hget(keys.status, "resync");
    if (state !== "done" && !stopped) resync.start();
  }

  async function refreshCacheTtls(): Promise<void> {
    const userIds = await redis.hkeys(keys.members);
    for (let i = 0; i < userIds.length; i += 1_000) {
      const pipeline = redis.pipeline();
      for (const userId of userIds.slice(i, i + 1_000)) pipeline.expire(`${keys.memberCachePrefix}${userId}`, policy.cacheTtlSeconds);
      await pipeline.exec();
    }
  }

  manager.on(WebSocketShardEvents.Dispatch, (payload) => enqueue({ kind: "dispatch", payload }));
  manager.on(WebSocketShardEvents.Ready, () => {
    ready = true;
    everReady = true;
  });
  manager.on(WebSocketShardEvents.Resumed, () => {
    ready = true;
    everReady = true;
  });
  manager.on(WebSocketShardEvents.Closed, (code) => {
    ready = false;
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
  refreshTimer = setInterval(() => {
    refreshCacheTtls().catch((error: unknown) => log.warn({ err: (error as Error).message }, "cache TTL refresh failed"));
  }, policy.cacheRefreshEveryMs);
  refreshTimer.unref();

  return {
    connected: () => ready && !stopped,
    async stop(end: TermEnd) {
      if (end === "handover" && draining) await Promise.race([draining, new Promise((resolve) => setTimeout(resolve, policy.leaseMs))]);
      stopped = true;
      ready = false;
      resync.stop();
      clearInterval(refreshTimer);
      refreshTimer = undefined;
      await untilNotBetweenConnections();
      // A close code other than 1000/1001 keeps the session alive at Discord for the next leader to resume.
      await manager.destroy({ code: CloseCodes.Resuming, reason: end });
      manager.removeAllListeners();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
