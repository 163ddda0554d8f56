import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import type { ProductKeys } from "@/lib/actions/keys";
import { CloudflareBanError, DiscordAPIError, InvalidRequestBudgetError, RateLimitedError } from "@/lib/discord/rest/errors";
import { backoffMs, sleep } from "@/lib/discord/rest/retry";
import type { DiscordRest } from "@/lib/discord/rest/types";
import { runScript } from "@/lib/redis/lua-script";
import { releaseLockScript } from "@/lib/redis/scripts/release-lock";
import { outboxLeaseScript } from "@/lib/redis/scripts/outbox-lease";
import { announcementOf } from "./announcement";
import { countRetry, countSettled, type PostFailure } from "./metrics";
import { transactionsPolicy, type TransactionsPolicy } from "./policy";

/**
 * Posts the outbox (a Redis stream of audit entries, written in the same
 * script as the change) into the transactions channel, at least once, and
 * with Discord's `enforce_nonce` exactly once:
 *
 * - one drainer at a time holds a lease, so messages keep the order of the
 *   changes; a crashed one is replaced once its lease runs out;
 * - entries are read through a consumer group; one stays pending until
 *   Discord has answered for it, and the next round claims pending entries
 *   back (XAUTOCLAIM) before it reads new ones, oldest first;
 * - every post of one entry carries the same nonce (a digest of the stream
 *   and the entry id), so a post repeated after a crash, a lost answer or a
 *   Redis restart that forgot the acknowledgement shows once;
 * - an entry is acknowledged and deleted only once Discord answered 2xx, or
 *   a 4xx that no retry will change (no permission, unknown channel, a bad
 *   body): logged and counted, never retried forever. 429, 5xx and no
 *   answer leave it pending and pause the drainer with a growing backoff;
 *   the actions that wrote the entries never wait for any of it.
 *
 * Discord answers a repeated nonce only "within the past few minutes", so a
 * post whose answer was lost and whose retry comes later than that may show
 * twice; retries come within seconds unless Discord is down, and then the
 * first post did not happen either.
 */

const GROUP = "transactions-channel";

/** What one round did; the loop waits `waitMs` before the next. */
export type DrainRound = { posted: number; skipped: number; refused: number; waitMs: number; state: "idle" | "busy" | "standby" | "retrying" };

export type OutboxDrainer = {
  /** Runs rounds until `stop()`; never throws. */
  start(): void;
  /** One round now (tests and the loop). */
  drainOnce(): Promise<DrainRound>;
  /** Ends the loop and gives the lease back, so another process takes over at once. */
  stop(): Promise<void>;
  readonly drainerId: string;
};

export type OutboxDrainerOptions = {
  redis: Redis;
  keys: Pick<ProductKeys, "outbox" | "outboxDrainer" | "outboxCounts">;
  /** The shared REST client, with the bot token. */
  rest: Pick<DiscordRest, "post">;
  channelId: string;
  log: Logger;
  policy?: Partial<TransactionsPolicy>;
  /** Unique per process; defaults to host, pid and a random suffix. */
  drainerId?: string;
};

const streamRow = z.tuple([z.string(), z.array(z.string())]);
const readReply = z.array(z.tuple([z.string(), z.array(streamRow)])).nullable();
/**
 * XAUTOCLAIM: next cursor, claimed entries, then (Redis 7) the ids deleted
 * meanwhile. Redis 6.2 lists a deleted entry with nil fields instead: read
 * as no fields, so it is acknowledged without a post.
 */
const claimReply = z
  .tuple([z.string(), z.array(z.tuple([z.string(), z.array(z.string()).nullable()]))])
  .rest(z.unknown())
  .transform(([, rows]) => rows.map(([id, fields]): StreamRow => [id, fields ?? []]));

type StreamRow = z.infer<typeof streamRow>;
type Delivery = { kind: "done"; outcome: "posted" | "skipped" | "refused" } | { kind: "retry"; retryAfterMs: number | null; reason: Exclude<PostFailure, "refused"> };

/** Discord keeps nonces of at most 25 characters; a digest of the stream and the id is unique across deployments sharing a channel. */
export function nonceOf(outboxKey: string, entryId: string): string {
  return createHash("sha256").update(`${outboxKey}:${entryId}`).digest("base64url").slice(0, 25);
}

function entryJson(fields: readonly string[]): string | null {
  const index = fields.indexOf("entry");
  return index >= 0 && index % 2 === 0 ? (fields[index + 1] ?? null) : null;
}

/** A 4xx Discord will answer the same way however often it is sent (429 is not one). */
function isPermanent(error: unknown): error is DiscordAPIError {
  return error instanceof DiscordAPIError && error.status >= 400 && error.status < 500 && error.status !== 429;
}

function retryAfterOf(error: unknown): number | null {
  if (error instanceof RateLimitedError || error instanceof CloudflareBanError || error instanceof InvalidRequestBudgetError) return error.retryAfterMs;
  return null;
}

/** For the counts: held back by a limit, a Discord fault, or no answer at all (timeout, network, Redis). */
function retryReasonOf(error: unknown): Exclude<PostFailure, "refused"> {
  if (retryAfterOf(error) !== null || (error instanceof DiscordAPIError && error.status === 429)) return "rate_limited";
  if (error instanceof DiscordAPIError && error.status >= 500) return "server_error";
  return "no_answer";
}

export function createOutboxDrainer(options: OutboxDrainerOptions): OutboxDrainer {
  const { redis, keys, rest, channelId, log } = options;
  const policy: TransactionsPolicy = { ...transactionsPolicy, ...options.policy };
  const drainerId = options.drainerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  let groupReady = false;
  let failuresInARow = 0;
  let running = false;
  let loop: Promise<void> | null = null;
  const stopSignal = new AbortController();

  async function holdLease(): Promise<boolean> {
    const held = await runScript(redis, outboxLeaseScript, { keys: { leaseKey: keys.outboxDrainer }, args: { drainerId, leaseMs: policy.leaseMs } });
    return held === 1;
  }

  /** From "0": entries written before the first drainer ever ran are announced too. */
  async function ensureGroup(): Promise<void> {
    if (groupReady) return;
    try {
      await redis.xgroup("CREATE", keys.outbox, GROUP, "0", "MKSTREAM");
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
    }
    groupReady = true;
  }

  /** Pending entries first (a failed or crashed round's), in id order; new ones only when none is pending. */
  async function nextEntries(): Promise<StreamRow[]> {
    const claimed = claimReply.parse(await redis.xautoclaim(keys.outbox, GROUP, drainerId, 0, "0-0", "COUNT", policy.batchSize));
    if (claimed.length > 0) return claimed;
    const read = readReply.parse(await redis.xreadgroup("GROUP", GROUP, drainerId, "COUNT", policy.batchSize, "STREAMS", keys.outbox, ">"));
    return read?.[0]?.[1] ?? [];
  }

  async function deliver([id, fields]: StreamRow): Promise<Delivery> {
    const json = entryJson(fields);
    const content = json === null ? null : announcementOf(json);
    if (content === null) return { kind: "done", outcome: "skipped" };
    const body = { content, nonce: nonceOf(keys.outbox, id), enforce_nonce: true, allowed_mentions: { parse: [] } };
    try {
      await rest.post(`/channels/${channelId}/messages`, { body, deadlineMs: policy.postDeadlineMs });
      return { kind: "done", outcome: "posted" };
    } catch (error) {
      if (isPermanent(error)) {
        log.error({ entryId: id, status: error.status, code: error.code, err: error.message }, "the transactions channel refused an announcement; it is dropped");
        return { kind: "done", outcome: "refused" };
      }
      log.warn({ entryId: id, err: error instanceof Error ? error.message : String(error) }, "announcement not posted; retrying later");
      return { kind: "retry", retryAfterMs: retryAfterOf(error), reason: retryReasonOf(error) };
    }
  }

  /** Acknowledged, deleted and counted together: the outbox holds only what the channel has not had. */
  async function settle(id: string, outcome: "posted" | "skipped" | "refused"): Promise<void> {
    await countSettled(redis.multi().xack(keys.outbox, GROUP, id).xdel(keys.outbox, id), keys.outboxCounts, outcome).exec();
  }

  async function drainOnce(): Promise<DrainRound> {
    const round: DrainRound = { posted: 0, skipped: 0, refused: 0, waitMs: policy.pollMs, state: "idle" };
    if (!(await holdLease())) return { ...round, state: "standby", waitMs: policy.leaseMs / 3 };
    await ensureGroup();
    const entries = await nextEntries();
    for (const entry of entries) {
      // A slow round must not outlive the lease: another drainer would post out of order.
      if (!(await holdLease())) return { ...round, state: "standby" };
      const delivery = await deliver(entry);
      if (delivery.kind === "retry") {
        failuresInARow += 1;
        await countRetry(redis, keys.outboxCounts, delivery.reason);
        const waitMs = delivery.retryAfterMs ?? backoffMs(failuresInARow - 1, policy.retryBaseMs, policy.retryMaxMs);
        return { ...round, state: "retrying", waitMs: Math.min(policy.retryMaxMs, Math.max(waitMs, policy.retryBaseMs)) };
      }
      await settle(entry[0], delivery.outcome);
      failuresInARow = 0;
      round[delivery.outcome] += 1;
    }
    return entries.length > 0 ? { ...round, state: "busy", waitMs: 0 } : round;
  }

  async function run(): Promise<void> {
    while (running) {
      let waitMs: number;
      try {
        waitMs = (await drainOnce()).waitMs;
      } catch (error) {
        // Redis unreachable, or the stream and its group gone with a Redis that lost its data.
        groupReady = false;
        failuresInARow += 1;
        log.warn({ err: error instanceof Error ? error.message : String(error) }, "outbox round failed; retrying");
        waitMs = backoffMs(failuresInARow - 1, policy.retryBaseMs, policy.retryMaxMs);
      }
      if (waitMs > 0) await sleep(waitMs, stopSignal.signal);
    }
  }

  return {
    drainerId,
    drainOnce,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      stopSignal.abort();
      await loop;
      await runScript(redis, releaseLockScript, { keys: { lockKey: keys.outboxDrainer }, args: { owner: drainerId } }).catch(() => undefined);
    },
  };
}
