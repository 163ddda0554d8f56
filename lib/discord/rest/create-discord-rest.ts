import { randomBytes } from "node:crypto";
import { moduleLogger } from "../../log";
import { metrics } from "../../metrics";
import { createExpiringKeyMemory } from "../../redis/expiring-keys";
import { acquireSlot, type SlotDeps } from "./acquire-slot";
import { ResourceOrder } from "./resource-order";
import { BucketQueues } from "./bucket-queue";
import { createCoarseFallbackStore } from "./coarse-fallback-store";
import {
  BotTokenInvalidError,
  CloudflareBanError,
  DiscordAPIError,
  DiscordTransportError,
  MissingBotTokenError,
  RateLimitedError,
  RestClientClosedError,
} from "./errors";
import { RestEventHub } from "./events";
import { createFailoverDistrust } from "./distrust-after-failover";
import { createFailoverStore } from "./failover-store";
import { createInvalidMemory } from "./invalid-memory";
import { GlobalGate } from "./global-gate";
import { buildInit, buildUrl } from "./http-request";
import { defaultEgressId, defaultRestKeyPrefix, restKeyspace } from "./keys";
import type { AcquireRequest, AuthScope, Lease } from "./limiter-store";
import { restPolicy, type RestPolicy } from "./policy";
import { createRedisStore } from "./redis-store";
import { createAnswerReporter } from "./report-answer";
import { parseErrorBody } from "./response-body";
import { backoffMs, isConnectPhaseError, isIdempotent, sleep } from "./retry";
import { attemptRequest, defaultUserAgent } from "./attempt-request";
import { parseRoute, type HttpMethod, type RouteLike } from "./route";
import { sendAttempt, type RestAnswer } from "./send-attempt";
import { tokenDigest } from "@/lib/auth/token-digest";
import type { AttemptOptions, DiscordRest, DiscordRestOptions, RequestAuth, RequestOptions, Transport } from "./types";
import { Waker } from "./waker";
import { forwardRaw, type RawAnswer, type RawRequest } from "./forward-raw";
import { sharedWatchPrimary } from "./shared-primary-watch";
import type { LimiterStore } from "./limiter-store";

export type { AttemptOptions, DiscordRest, DiscordRestOptions, RequestAuth, RequestOptions, Transport } from "./types";
export type { RawAnswer, RawRequest } from "./forward-raw";

/** The client plus pass-through of requests carrying their own token, for the REST proxy. */
export type ForwardingDiscordRest = DiscordRest & {
  /**
   * Waits for a slot under the caller's token, sends the request as it came
   * and returns Discord's answer as it came (see `forwardRaw`). A 401 locks
   * that token only; this client's own bot token keeps working.
   */
  forward(raw: RawRequest): Promise<RawAnswer>;
};

/**
 * The one way this app talks to Discord's REST API. All processes sharing a
 * bot token keep their rate-limit state in Redis and together behave like one
 * careful client: no 429 in normal operation, bounded waits, and a hard stop
 * before Discord's invalid-request ban.
 *
 * If Redis stops answering (each call is raced against `redisTimeoutMs`), the
 * client keeps working on a coarse per-process limiter (`fallbackShare` of
 * the global limit, one request in flight per route, a hold on any 429; see
 * `createCoarseFallbackStore`), logs a warning, sets
 * `safa_discord_rest_local_fallback` to 1, and switches back when a probe
 * reaches Redis again. The scripts derive
 * bucket keys at run time, so Redis must be standalone (not Cluster).
 *
 * When the connection reaches another Redis server than before (a Sentinel
 * failover), what the new primary holds may be older than what Discord
 * knows; until this process has made it conservative (buckets spent until
 * their reset, its own invalid requests counted again, the global window
 * held once, the bans and blocks it set held again), it grants no new slot.
 * See distrust-after-failover.ts.
 */
export function createDiscordRest(options: DiscordRestOptions): ForwardingDiscordRest {
  const policy: RestPolicy = {
    ...restPolicy,
    ...options.policy,
    ...(options.globalPerSecond === undefined ? {} : { globalPerSecond: options.globalPerSecond }),
    ...(options.invalidShare === undefined ? {} : { invalidShare: options.invalidShare }),
    ...(options.defaultDeadlineMs === undefined ? {} : { defaultDeadlineMs: options.defaultDeadlineMs }),
  };
  const log = options.logger ?? moduleLogger("discord-rest");
  const transport: Transport = options.transport ?? ((url, init) => fetch(url, init));
  const apiBase = options.apiBase.replace(/\/+$/, "");
  const userAgent = options.userAgent ?? defaultUserAgent;
  const egressId = options.egressId ?? defaultEgressId;
  const keys = restKeyspace(options.keyPrefix ?? defaultRestKeyPrefix, egressId);
  const botToken = options.botToken;
  const botScope: AuthScope = { kind: "bot", digest: botToken === undefined ? "no-bot-token" : tokenDigest(botToken) };
  const refuseAt = Math.floor(policy.invalidRequestLimit * policy.invalidShare);
  const events = new RestEventHub(log);
  const waker = new Waker({ maxPollMs: policy.maxPollMs, jitterMs: policy.wakeJitterMs, log });
  if (options.subscribe !== false) waker.listen(options.redis, keys.wakeChannel);
  const invalidMemory = createInvalidMemory(policy.invalidWindowMs, policy.invalidRequestLimit);
  // Holds are rare (a ban, a 401, a hidden sub-limit): far more than a process sets while they last (an hour at most).
  const holdMemory = createExpiringKeyMemory(1_000);
  const failoverStore = createFailoverStore({
    redis: options.redis,
    shared: createRedisStore({ redis: options.redis, keys, policy, botScope, invalidMemory, holdMemory }),
    local: createCoarseFallbackStore({ policy, botScope, wake: (key) => waker.notify(key) }),
    probeIntervalMs: policy.redisProbeIntervalMs,
    timeoutMs: policy.redisTimeoutMs,
    log,
    onChange: (active, reason) => events.emit("fallback", { active, ...(reason === undefined ? {} : { reason }) }),
  });
  const distrust = createFailoverDistrust({ redis: options.redis, keys, policy, botScope, memory: invalidMemory, holds: holdMemory, log });
  const stopWatching = (options.watchPrimary ?? sharedWatchPrimary)(options.redis, (change) => {
    distrust.onPrimaryChange(change);
    events.emit("primaryChange", change);
  });
  const store: LimiterStore = {
    async acquire(request) {
      await distrust.settled();
      return failoverStore.acquire(request);
    },
    settle: (request, lease, outcome) => failoverStore.settle(request, lease, outcome),
    release: (request, lease, notSent) => failoverStore.release(request, lease, notSent),
    inspect: () => failoverStore.inspect(),
    egress: () => failoverStore.egress(),
    recordEgress: (outcome) => failoverStore.recordEgress(outcome),
  };
  const gates = new Map<string, GlobalGate>();
  const instanceId = randomBytes(6).toString("hex");
  let leaseCounter = 0;
  let stopped = false;
  let closed = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    log.fatal({ tokenDigest: botScope.digest }, "Discord rejected the bot token (401): REST client stopped; fix DISCORD_BOT_TOKEN and restart");
  };
  const slots: SlotDeps = {
    store,
    queues: new BucketQueues(),
    order: new ResourceOrder(),
    waker,
    knownHashes: new Map(),
    gateFor(auth) {
      const id = `${auth.kind}:${auth.digest}`;
      let gate = gates.get(id);
      if (!gate) {
        gate = new GlobalGate(policy.wakeJitterMs);
        gates.set(id, gate);
      }
      return gate;
    },
    onTokenInvalid: stop,
  };

  const authFor = (auth: RequestAuth | undefined): { scope: AuthScope; header?: string; bearer?: string } => {
    if (auth === undefined) {
      if (botToken === undefined) throw new MissingBotTokenError();
      return { scope: botScope, header: `Bot ${botToken}` };
    }
    if ("bearer" in auth) return { scope: { kind: "bearer", digest: tokenDigest(auth.bearer) }, header: `Bearer ${auth.bearer}`, bearer: auth.bearer };
    return { scope: { kind: "none", digest: egressId } };
  };

  const report = createAnswerReporter({ log, events, policy, refuseAt });

  const releaseQuietly = async (request: AcquireRequest, lease: Lease, notSent: boolean) => {
    try {
      await store.release(request, lease, notSent);
    } catch (error) {
      log.warn({ err: error }, "could not release a REST lease; it expires by itself");
    }
  };

  async function request<T>(method: HttpMethod, route: RouteLike, requestOptions: RequestOptions = {}): Promise<T> {
    if (closed) throw new RestClientClosedError();
    if (stopped) throw new BotTokenInvalidError();
    const startedAt = Date.now();
    const deadlineAt = startedAt + (requestOptions.deadlineMs ?? policy.defaultDeadlineMs);
    const auth = authFor(requestOptions.auth);
    const parsed = parseRoute(method, route, auth.bearer);
    const url = buildUrl(apiBase, route, requestOptions.query);
    const signal = requestOptions.signal;
    let serverRetries = 0;
    let rateLimitRetries = 0;
    let leaveOrder = () => undefined as void;
    try {
      leaveOrder = await slots.order.enter(auth.scope, parsed, deadlineAt, signal);
      for (let attempt = 1; ; attempt += 1) {
        leaseCounter += 1;
        const acquireRequest: AcquireRequest = { route: parsed, auth: auth.scope, leaseId: `${instanceId}:${leaseCounter.toString(36)}` };
        const lease = await acquireSlot(slots, acquireRequest, deadlineAt, signal);
        const sentAt = Date.now();
        const attemptSignal = signal ? AbortSignal.any([signal, AbortSignal.timeout(policy.requestTimeoutMs)]) : AbortSignal.timeout(policy.requestTimeoutMs);
        let answer: RestAnswer;
        try {
          const init = buildInit({ method, options: requestOptions, authHeader: auth.header, userAgent, signal: attemptSignal });
          answer = await sendAttempt({ transport, url, init, authKind: auth.scope.kind, policy });
        } catch (error) {
          const notSent = isConnectPhaseError(error);
          await releaseQuietly(acquireRequest, lease, notSent);
          if (signal?.aborted) throw error;
          const delayMs = backoffMs(serverRetries, policy.backoffBaseMs, policy.backoffMaxMs);
          const retryable = (notSent || isIdempotent(method)) && serverRetries < policy.maxServerRetries && Date.now() + delayMs < deadlineAt;
          log.warn({ err: error, method, route: parsed.template, attempt, retry: retryable }, "no answer from discord");
          if (!retryable) throw new DiscordTransportError(method, parsed.template, notSent, { cause: error });
          serverRetries += 1;
          await sleep(delayMs, signal);
          continue;
        }
        const { status, body, outcome } = answer;
        const settled = await store.settle(acquireRequest, lease, outcome);
        if (outcome.bucketHash !== undefined) slots.knownHashes.set(parsed.routeId, outcome.bucketHash);
        report(parsed, outcome, settled, Date.now() - sentAt, attempt);

        if (status >= 200 && status < 300) return (body.json ? body.value : undefined) as T;
        const rateLimit = outcome.rateLimit;
        if (rateLimit) {
          if (rateLimit.kind === "cloudflare") throw new CloudflareBanError(rateLimit.retryAfterMs);
          const scope = rateLimit.kind === "user" ? "bucket" : rateLimit.kind;
          if (rateLimitRetries >= policy.maxRateLimitRetries || Date.now() + rateLimit.retryAfterMs > deadlineAt) {
            throw new RateLimitedError(rateLimit.retryAfterMs, scope, parsed.template);
          }
          rateLimitRetries += 1;
          continue;
        }
        if (outcome.botTokenRejected) {
          stop();
          throw new BotTokenInvalidError();
        }
        const error = parseErrorBody(body, status);
        if (status >= 500 && isIdempotent(method) && serverRetries < policy.maxServerRetries) {
          const delayMs = backoffMs(serverRetries, policy.backoffBaseMs, policy.backoffMaxMs);
          if (Date.now() + delayMs < deadlineAt) {
            serverRetries += 1;
            await sleep(delayMs, signal);
            continue;
          }
        }
        throw new DiscordAPIError(status, error.code, error.message, method, parsed.template, error.errors);
      }
    } finally {
      leaveOrder();
      metrics.discordRequestSeconds.observe({ route: parsed.template }, (Date.now() - startedAt) / 1_000);
    }
  }

  async function attempt(method: HttpMethod, route: RouteLike, attemptOptions: AttemptOptions): Promise<RestAnswer> {
    if (closed) throw new RestClientClosedError();
    const egress = await store.egress();
    if (egress.cloudflareBan.open) throw new CloudflareBanError(egress.cloudflareBan.retryAfterMs);
    const answer = await attemptRequest(method, route, { ...attemptOptions, apiBase, transport, userAgent, policy });
    if (answer.outcome.countsInvalid) await store.recordEgress(answer.outcome);
    return answer;
  }

  // Forwarded tokens are locked one by one in the store; a locked one must not stop this client's own token.
  const forwardSlots: SlotDeps = { ...slots, onTokenInvalid: () => undefined };
  const nextLeaseId = () => {
    leaseCounter += 1;
    return `${instanceId}:${leaseCounter.toString(36)}`;
  };

  return {
    request,
    attempt,
    forward(raw) {
      if (closed) return Promise.reject(new RestClientClosedError());
      return forwardRaw({ slots: forwardSlots, store, policy, apiBase, transport, nextLeaseId, report }, raw);
    },
    egress: () => store.egress(),
    get: (route, requestOptions) => request("GET", route, requestOptions),
    post: (route, requestOptions) => request("POST", route, requestOptions),
    put: (route, requestOptions) => request("PUT", route, requestOptions),
    patch: (route, requestOptions) => request("PATCH", route, requestOptions),
    delete: (route, requestOptions) => request("DELETE", route, requestOptions),
    on: (event, listener) => events.on(event, listener),
    async inspect() {
      const state = await store.inspect();
      return { ...state, fallbackActive: failoverStore.fallbackActive, botTokenRejected: state.botTokenRejected || stopped };
    },
    async close() {
      closed = true;
      stopWatching();
      failoverStore.close();
      for (const gate of gates.values()) gate.close();
      await waker.close();
    },
  };
}
