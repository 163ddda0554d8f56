import { GatewayDispatchEvents, type GatewayDispatchPayload } from "discord-api-types/v10";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { ZodError } from "zod";
import { applyMirrorOps, StaleFenceError, type ApplyResult } from "./apply-ops";
import type { GatewayKeys } from "./keys";
import { membersIn, opsForDispatch, type MirrorOp } from "./mirror-ops";
import { pause } from "./pause";
import type { GatewayPolicy } from "./policy";

type QueueItem = { kind: "dispatch"; payload: GatewayDispatchPayload } | { kind: "op"; op: MirrorOp };

export type MirrorQueueOptions = {
  redis: Redis;
  keys: GatewayKeys;
  holder: string;
  guildId: string;
  policy: Pick<GatewayPolicy, "membersPerApply" | "retryPauseMs" | "cacheTtlSeconds">;
  now: () => number;
  log: Logger;
  /** Steps a dispatch adds after its own (the resync's finish). */
  extraOps: (payload: GatewayDispatchPayload) => MirrorOp[];
  /** Runs once a dispatch is in the mirror (READY starts a resync). */
  afterApplied: (payload: GatewayDispatchPayload) => void;
  onApplied: (result: ApplyResult) => Promise<void>;
  /** A write was refused: another worker leads; nothing more is written. */
  onFenced: () => void;
};

export type MirrorQueue = ReturnType<typeof createMirrorQueue>;

/**
 * Dispatches and the mirror's own steps, applied in arrival order, one
 * batch (up to `membersPerApply` members) per fenced script. A Redis
 * failure retries the same batch; a refused write ends the queue.
 */
export function createMirrorQueue(options: MirrorQueueOptions) {
  const { log, policy } = options;
  const queue: QueueItem[] = [];
  let draining: Promise<void> | null = null;
  let closed = false;

  function push(item: QueueItem): void {
    queue.push(item);
    startDrain();
  }

  function startDrain(): void {
    if (draining || closed) return;
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

  function opsOf(item: QueueItem): MirrorOp[] {
    if (item.kind === "op") return [item.op];
    const { payload } = item;
    try {
      return [...opsForDispatch(payload, options.guildId), ...options.extraOps(payload)];
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      log.warn({ event: payload.t, s: payload.s, issues: error.issues.length }, "malformed dispatch skipped");
      return [{ t: "seq", s: payload.s }];
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !closed) {
      const batch = takeBatch();
      const ops = batch.flatMap(opsOf);
      if (!(await applyWithRetry(ops))) return;
      for (const item of batch) if (item.kind === "dispatch") options.afterApplied(item.payload);
    }
  }

  async function applyWithRetry(ops: MirrorOp[]): Promise<boolean> {
    while (!closed) {
      try {
        const result = await applyMirrorOps(options.redis, options.keys, options.holder, ops, { nowMs: options.now(), cacheTtlSeconds: policy.cacheTtlSeconds });
        log.debug({ steps: ops.length, members: ops.reduce((n, op) => n + membersIn(op), 0), sequence: result.sequence }, "mirror applied");
        await options.onApplied(result);
        return true;
      } catch (error) {
        if (error instanceof StaleFenceError) {
          log.warn({ holder: options.holder }, "the mirror refused this worker's writes: another worker leads now");
          closed = true;
          options.onFenced();
          return false;
        }
        log.warn({ err: (error as Error).message }, "mirror write failed; retrying");
        await pause(policy.retryPauseMs);
      }
    }
    return false;
  }

  return {
    dispatch: (payload: GatewayDispatchPayload) => push({ kind: "dispatch", payload }),
    step: (op: MirrorOp) => push({ kind: "op", op }),
    /** Resolves when what is queued now is applied, or after `timeoutMs`. */
    async settle(timeoutMs: number): Promise<void> {
      if (draining) await Promise.race([draining, pause(timeoutMs)]);
    },
    /** Nothing more is applied; what is still queued is left for Discord to replay to the next leader. */
    close(): void {
      closed = true;
    },
  };
}
