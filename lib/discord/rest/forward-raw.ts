import { tokenDigest } from "@/lib/auth/token-digest";
import { metrics } from "../../metrics";
import { acquireSlot, type SlotDeps } from "./acquire-slot";
import { classifyAnswer } from "./classify";
import { DiscordTransportError } from "./errors";
import { parseRateLimitHeaders } from "./headers";
import type { AcquireRequest, AuthScope, Lease, LimiterStore, Outcome, SettleResult } from "./limiter-store";
import type { RestPolicy } from "./policy";
import { isConnectPhaseError } from "./retry";
import { parseRoute, type HttpMethod, type ParsedRoute, type RouteLike } from "./route";
import type { ResponseBody } from "./response-body";
import type { Transport } from "./types";

/** A request to pass through as it came: the caller's token, headers and body bytes. */
export type RawRequest = {
  method: HttpMethod;
  /** The path after the API version, query string included: `/guilds/1/roles?with_counts=true`. */
  path: RouteLike;
  /** The API version the caller asked for; the client's own version when absent. */
  apiVersion?: number;
  /** The caller's own token; its limits (buckets, global, 401 lock) are kept under its digest. */
  auth: { kind: "bot" | "bearer"; token: string };
  /** Sent as they are; `Authorization` is set from `auth`, and `Content-Length` from the body. */
  headers: Headers;
  body?: Uint8Array<ArrayBuffer>;
  /** When waiting for a slot must end (a `RateLimitedError` is thrown then). */
  deadlineAt: number;
  /** Aborted when the caller went away: the wait ends, and the slot is given back. */
  signal?: AbortSignal;
};

/** Discord's answer as it came: status, headers (minus those `fetch` has already undone) and body bytes. */
export type RawAnswer = {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** Time spent waiting for a slot before the request was sent. */
  waitedMs: number;
  /** The route's template (ids replaced), safe as a metric label. */
  template: string;
};

export type ForwardDeps = {
  slots: SlotDeps;
  store: LimiterStore;
  policy: RestPolicy;
  apiBase: string;
  transport: Transport;
  nextLeaseId(): string;
  report(route: ParsedRoute, outcome: Outcome, settled: SettleResult, durationMs: number, attempt: number): void;
};

/** `fetch` has already decompressed the body and will frame it again: these would describe bytes that are not sent. */
const undoneResponseHeaders = ["content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"];

/**
 * Sends one request through the shared limits and hands back Discord's
 * answer untouched, whatever its status: no retry, because the caller is a
 * Discord client with its own retry rules, and a 429 that reaches it still
 * updated the shared state first. A 401 locks the token it came with (bot or
 * bearer) for every process, so no one spends the IP's invalid-request
 * budget on it again; a different token is not affected.
 */
export async function forwardRaw(deps: ForwardDeps, raw: RawRequest): Promise<RawAnswer> {
  const startedAt = Date.now();
  const scope: AuthScope = { kind: raw.auth.kind, digest: tokenDigest(raw.auth.token) };
  const parsed = parseRoute(raw.method, raw.path, raw.auth.kind === "bearer" ? raw.auth.token : undefined);
  const route: ParsedRoute = { ...parsed, globalExempt: parsed.globalExempt || isTokenWebhook(raw.path) };
  const leaveOrder = await deps.slots.order.enter(scope, route, raw.deadlineAt, raw.signal);
  try {
    return await forwardInOrder(deps, raw, scope, route, startedAt);
  } finally {
    leaveOrder();
  }
}

async function forwardInOrder(deps: ForwardDeps, raw: RawRequest, scope: AuthScope, route: ParsedRoute, startedAt: number): Promise<RawAnswer> {
  const request: AcquireRequest = { route, auth: scope, leaseId: deps.nextLeaseId() };
  const lease = await acquireSlot(deps.slots, request, raw.deadlineAt, raw.signal);
  const sentAt = Date.now();
  const headers = new Headers(raw.headers);
  headers.set("Authorization", `${raw.auth.kind === "bot" ? "Bot" : "Bearer"} ${raw.auth.token}`);
  const timeout = AbortSignal.timeout(deps.policy.requestTimeoutMs);
  const init: RequestInit = {
    method: raw.method,
    headers,
    signal: raw.signal ? AbortSignal.any([raw.signal, timeout]) : timeout,
    ...(raw.body === undefined || raw.body.byteLength === 0 ? {} : { body: raw.body }),
  };
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await deps.transport(`${versionedBase(deps.apiBase, raw.apiVersion)}${raw.path}`, init);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const notSent = isConnectPhaseError(error);
    await deps.store.release(request, lease, notSent).catch(() => undefined);
    throw new DiscordTransportError(raw.method, route.template, notSent, { cause: error });
  }
  const outcome = outcomeOf(response, bytes, raw.auth.kind, deps.policy);
  if (outcome.bucketHash !== undefined) deps.slots.knownHashes.set(route.routeId, outcome.bucketHash);
  const answeredMs = Date.now() - sentAt;
  metrics.discordRequestSeconds.observe({ route: route.template }, (Date.now() - startedAt) / 1_000);
  // The caller gets its answer without waiting for the bookkeeping: until it is recorded the lease
  // still counts as in flight, so the shared state can only be more careful meanwhile, never less.
  void settleQuietly(deps.store, request, lease, outcome).then((settled) => deps.report(route, outcome, settled, answeredMs, 1));
  const answerHeaders = new Headers(response.headers);
  for (const name of undoneResponseHeaders) answerHeaders.delete(name);
  return { status: response.status, headers: answerHeaders, body: bytes, waitedMs: sentAt - startedAt, template: route.template };
}

/**
 * The limiter's reading of the answer. A 401 locks the token whichever kind
 * it is: a bearer token that Discord refused is as dead as a bot token, and
 * each retry with it would be one more invalid request on the IP.
 */
function outcomeOf(response: Response, bytes: Uint8Array, kind: "bot" | "bearer", policy: RestPolicy): Outcome {
  const text = new TextDecoder().decode(bytes);
  const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
  let body: ResponseBody = { json: false, text };
  if (isJson && text.length > 0) {
    try {
      body = { json: true, value: JSON.parse(text) as unknown };
    } catch {
      body = { json: false, text };
    }
  }
  const outcome = classifyAnswer(response.status, parseRateLimitHeaders(response.headers), body, kind, policy);
  return response.status === 401 ? { ...outcome, botTokenRejected: true } : outcome;
}

/** The answer has come and goes back to the caller whatever happens here; an unsettled lease expires by itself. */
async function settleQuietly(store: LimiterStore, request: AcquireRequest, lease: Lease, outcome: Outcome): Promise<SettleResult> {
  try {
    return await store.settle(request, lease, outcome);
  } catch {
    return { invalidCount: 0, bucketId: lease.bucketId };
  }
}

/** `https://discord.com/api/v10` asked for as v9 becomes `https://discord.com/api/v9`. */
function versionedBase(apiBase: string, version: number | undefined): string {
  if (version === undefined) return apiBase;
  return /\/v\d+$/.test(apiBase) ? apiBase.replace(/\/v\d+$/, `/v${version}`) : `${apiBase}/v${version}`;
}

/**
 * A webhook addressed with its token (`/webhooks/:id/:token...`) is not the
 * bot's request as far as the global limit goes, like an interaction
 * callback; its own bucket still applies.
 */
export function isTokenWebhook(path: RouteLike): boolean {
  const segments = (path.split("?")[0] ?? path).split("/");
  return segments[1] === "webhooks" && /^\d+$/.test(segments[2] ?? "") && (segments[3] ?? "").length >= 20;
}
