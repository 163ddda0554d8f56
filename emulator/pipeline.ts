import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { RESTJSONErrorCodes, type RESTRateLimit } from "discord-api-types/v10";
import { globalLimitKey } from "./auth";
import { answerCdn, isCdnPath, sendCdnResponse } from "./cdn";
import type { EmulatorContext, RouteRequest, RouteTable } from "./context";
import { CONTROL_PREFIX, handleControl } from "./control";
import { applyResponseFaults, faultDelayMs, faultResponse, type Fault } from "./faults";
import {
  BodyTooLargeError,
  clientIp,
  cloudflareBan,
  discordError,
  isLoopback,
  jsonResponse,
  notFound,
  readBody,
  sendResponse,
  type EmulatorResponse,
} from "./http";
import { formatSeconds, rateLimitHeaders, retryAfterSeconds, type BucketVerdict } from "./rate-limiter";
import { ROUTE_CATALOG, isRateLimited, type RouteLimit, type SharedResource } from "./route-catalog";
import { matchRoute, type RouteMatch } from "./router";
import { createRouteTable } from "./routes";

function rateLimitBody(retryAfterMs: number, global: boolean): RESTRateLimit {
  return { message: "You are being rate limited.", retry_after: Number(formatSeconds(retryAfterMs)), global };
}

function globalRateLimited(retryAfterMs: number): EmulatorResponse {
  return jsonResponse(429, rateLimitBody(retryAfterMs, true), {
    "Retry-After": String(retryAfterSeconds(retryAfterMs)),
    "X-RateLimit-Global": "true",
    "X-RateLimit-Scope": "global",
  });
}

function routeRateLimited(verdict: BucketVerdict): EmulatorResponse {
  return jsonResponse(429, rateLimitBody(verdict.resetAfterMs, false), {
    ...rateLimitHeaders(verdict),
    "Retry-After": String(retryAfterSeconds(verdict.resetAfterMs)),
    "X-RateLimit-Scope": "user",
  });
}

/**
 * A busy resource every caller shares: the caller's own bucket may still show
 * remaining > 0 (its headers say so), and Discord does not count the 429 as invalid.
 */
function sharedRateLimited(verdict: BucketVerdict, retryAfterMs: number): EmulatorResponse {
  return jsonResponse(429, rateLimitBody(retryAfterMs, false), {
    ...rateLimitHeaders(verdict),
    "Retry-After": String(retryAfterSeconds(retryAfterMs)),
    "X-RateLimit-Scope": "shared",
  });
}

/** The shared limit this request spends from, if its route has one and it is configured. */
function sharedLimitOf(context: EmulatorContext, match: Extract<RouteMatch, { kind: "route" }>): { key: string; limit: RouteLimit } | undefined {
  const entry: { sharedResource?: SharedResource } = ROUTE_CATALOG[match.key];
  const limit = context.config.sharedMemberRoleLimit;
  if (entry.sharedResource !== "member-roles" || limit === null) return undefined;
  return { key: `member-roles:${match.params.guild_id ?? "-"}:${match.params.user_id ?? "-"}`, limit };
}

/** Discord counts 401, 403 and every 429 but `shared` ones; a ban page is Cloudflare's, not Discord's. */
function countsAsInvalid(reply: EmulatorResponse): boolean {
  if (reply.status === 401 || reply.status === 403) return true;
  const scope = reply.headers["X-RateLimit-Scope"];
  return reply.status === 429 && (scope === "user" || scope === "global");
}

type Answer = { reply: EmulatorResponse; faults: readonly Fault[] };

/**
 * One API request, in the order the real stack meets it: Cloudflare (bans), injected faults,
 * the global limit, routing, authentication, the route's bucket, and only then the handler.
 * Every refusal happens before the handler, so rate-limited requests change nothing.
 */
async function answerApi(
  context: EmulatorContext,
  routes: RouteTable,
  request: IncomingMessage,
  match: RouteMatch,
  url: URL,
  body: string,
): Promise<Answer> {
  const ip = clientIp(request);
  const banMs = context.invalidRequests.banRemainingMs(ip);
  if (banMs > 0) return { reply: cloudflareBan(retryAfterSeconds(banMs)), faults: [] };

  const faults = match.kind === "route" ? context.faults.take(match.key) : [];
  const delayMs = faultDelayMs(faults);
  if (delayMs > 0) await sleep(delayMs);
  const injected = faultResponse(faults, context.config.banSeconds);
  if (injected) return { reply: injected, faults: [] };

  const website = match.kind === "route" && !isRateLimited(match.key);
  if (!website) {
    const global = context.globalLimiter.take(globalLimitKey(request.headers.authorization, ip, context.tokens));
    if (!global.allowed) return { reply: globalRateLimited(global.retryAfterMs), faults };
  }
  if (match.kind === "not-found") return { reply: notFound(), faults };
  if (match.kind === "method-not-allowed") {
    const reply = discordError(405, 0, "405: Method Not Allowed");
    return { reply: { ...reply, headers: { ...reply.headers, Allow: match.allowed.join(", ") } }, faults };
  }

  const routeRequest: RouteRequest = { params: match.params, prefix: match.prefix, url, headers: request.headers, body };
  const prepared = routes[match.key].prepare(routeRequest);
  if (!prepared.ok) return { reply: prepared.response, faults };
  if (website) return { reply: prepared.handle(), faults };

  const majorParameter = match.params.guild_id ?? match.params.channel_id ?? null;
  const verdict = context.routeLimiter.take(ROUTE_CATALOG[match.key].bucketGroup, majorParameter, prepared.principal);
  if (!verdict.allowed) return { reply: routeRateLimited(verdict), faults };
  const shared = sharedLimitOf(context, match);
  if (shared) {
    const sharedVerdict = context.routeLimiter.takeShared(shared.key, shared.limit);
    if (!sharedVerdict.allowed) return { reply: sharedRateLimited(verdict, sharedVerdict.retryAfterMs), faults };
  }
  const reply = prepared.handle();
  return { reply: { ...reply, headers: { ...reply.headers, ...rateLimitHeaders(verdict) } }, faults };
}

async function respond(context: EmulatorContext, routes: RouteTable, request: IncomingMessage): Promise<EmulatorResponse> {
  const url = new URL(request.url ?? "/", "http://emulator.invalid");
  const body = await readBody(request);
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    if (!isLoopback(request.socket.remoteAddress)) return jsonResponse(403, { error: "the control API answers loopback callers only" });
    return handleControl(context, request.method ?? "GET", url, body);
  }
  const match = matchRoute(request.method ?? "GET", url.pathname);
  const { reply, faults } = await answerApi(context, routes, request, match, url, body);
  context.stats.record(match.kind === "route" ? match.key : null, reply.status);
  if (countsAsInvalid(reply)) context.invalidRequests.record(clientIp(request));
  return applyResponseFaults(faults, withDiscordVia(reply));
}

/**
 * Discord's own answers pass its Google front end and carry `Via: 1.1 google`; a Cloudflare
 * ban page does not. Clients tell the two apart by it (discord.py treats a 429 without `Via`
 * as a ban and gives up), so the emulator must send it exactly where Discord does.
 */
function withDiscordVia(reply: EmulatorResponse): EmulatorResponse {
  if (reply.body.startsWith("error code:")) return reply;
  return { ...reply, headers: { ...reply.headers, Via: "1.1 google" } };
}

/** The node:http listener: everything in memory, one answer per request, never a crash. */
export function createRequestListener(context: EmulatorContext): (request: IncomingMessage, response: ServerResponse) => void {
  const routes = createRouteTable(context);
  return (request, response) => {
    // The CDN's images are bytes, not the API's JSON, and pass none of its limits (cdn.ts).
    const url = new URL(request.url ?? "/", "http://emulator.invalid");
    if (isCdnPath(url.pathname)) {
      sendCdnResponse(response, answerCdn(context.directory, request.method ?? "GET", url), request.method ?? "GET");
      return;
    }
    respond(context, routes, request).then(
      (reply) => sendResponse(response, reply),
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          sendResponse(response, discordError(413, RESTJSONErrorCodes.RequestEntityTooLarge, "Request entity too large"));
          return;
        }
        console.error("emulator: unexpected error", error);
        sendResponse(response, discordError(500, 0, "500: Internal Server Error"));
      },
    );
  };
}
