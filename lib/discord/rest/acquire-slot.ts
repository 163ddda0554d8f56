import type { BucketQueues } from "./bucket-queue";
import { BotTokenInvalidError, CloudflareBanError, InvalidRequestBudgetError, RateLimitedError } from "./errors";
import type { GlobalGate } from "./global-gate";
import type { ResourceOrder } from "./resource-order";
import type { AcquireRequest, AcquireResult, AuthScope, Lease, LimiterStore } from "./limiter-store";
import type { Waker } from "./waker";

export type SlotDeps = {
  store: LimiterStore;
  queues: BucketQueues;
  /** Writes to one resource in call order, whatever their bucket (see resource-order.ts). */
  order: ResourceOrder;
  waker: Waker;
  gateFor(auth: AuthScope): GlobalGate;
  /** Route id -> bucket hash, as learned by this process; keeps routes sharing a bucket in one queue. */
  knownHashes: Map<string, string>;
  /** Called when the store reports the bot token rejected by another process. */
  onTokenInvalid(): void;
};

/**
 * Waits for a slot within the deadline: in call order for the bucket (local
 * queue), one probe at a time while the global limit is saturated (local
 * gate), and otherwise asleep until the store says a slot frees up. Fails fast
 * with `RateLimitedError` as soon as a known wait outlasts the deadline.
 */
export async function acquireSlot(deps: SlotDeps, request: AcquireRequest, deadlineAt: number, signal?: AbortSignal): Promise<Lease> {
  const { route, auth } = request;
  const hash = deps.knownHashes.get(route.routeId);
  const queueKey = `${auth.kind}:${auth.digest}:${hash === undefined ? `route:${route.routeKey}` : `${hash}:${route.major}`}`;
  const leave = await deps.queues.enter(queueKey, deadlineAt, route.template, signal);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const result = await acquireThroughGate(deps, request, deadlineAt);
      switch (result.kind) {
        case "granted":
          return result.lease;
        case "banned":
          throw new CloudflareBanError(result.retryAfterMs);
        case "invalidBudget":
          throw new InvalidRequestBudgetError(result.count, result.refuseAt, result.retryAfterMs);
        case "tokenInvalid":
          deps.onTokenInvalid();
          throw new BotTokenInvalidError();
        case "wait": {
          const leftMs = deadlineAt - Date.now();
          if (leftMs <= 0 || (result.exact && result.waitMs > leftMs)) {
            throw new RateLimitedError(result.waitMs, result.reason, route.template);
          }
          if (result.reason === "global") continue;
          if (result.exact) deps.queues.block(queueKey, Date.now() + result.waitMs, route.template);
          await deps.waker.wait(result.wakeKey, Math.min(result.waitMs, leftMs), result.exact, signal);
        }
      }
    }
  } finally {
    leave();
  }
}

/**
 * Bearer tokens skip the gate: each user's token carries a handful of
 * requests, and a gate per user would only pile up in memory.
 */
async function acquireThroughGate(deps: SlotDeps, request: AcquireRequest, deadlineAt: number): Promise<AcquireResult> {
  if (request.route.globalExempt || request.auth.kind === "bearer") return deps.store.acquire(request);
  const gate = deps.gateFor(request.auth);
  const ticket = await gate.pass(deadlineAt, request.route.template);
  let result: AcquireResult;
  try {
    result = await deps.store.acquire(request);
  } catch (error) {
    gate.finish(ticket);
    throw error;
  }
  gate.finish(ticket, result.kind === "wait" && result.reason === "global" ? Date.now() + result.waitMs : undefined);
  return result;
}
