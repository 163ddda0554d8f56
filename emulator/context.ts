import type { IncomingHttpHeaders } from "node:http";
import type { AuthOutcome } from "./auth";
import { createChannelStore, type ChannelStore } from "./channel-store";
import type { EmulatorConfig } from "./config";
import { createFaultStore, type FaultStore } from "./faults";
import { createGuildEvents, type GuildEvents } from "./guild-events";
import type { EmulatorResponse } from "./http";
import {
  createGlobalLimiter,
  createInvalidRequestLimiter,
  createRouteLimiter,
  type GlobalLimiter,
  type InvalidRequestLimiter,
  type RouteLimiter,
} from "./rate-limiter";
import type { RouteKey } from "./route-catalog";
import { createDirectory, type Directory } from "./state";
import { createStats, type Stats } from "./stats";
import { createTokenStore, type TokenStore } from "./tokens";

/**
 * What the rest of the emulator may ask of the Gateway (gateway/), which is
 * attached to the HTTP server after the context exists.
 */
export type GatewayPort = {
  /** Counters for `GET /__emulator/stats` (sessions, identifies, resumes, dispatches, op 8, closes by code). */
  stats(): Record<string, unknown>;
  /** A Gateway control action (`POST /__emulator/gateway/...`), or undefined when `action` is not one. */
  control(action: string, body: string): EmulatorResponse | undefined;
};

/** Everything one emulator instance keeps in memory. */
export type EmulatorContext = {
  config: EmulatorConfig;
  /** Every change to the guild, published by the directory, heard by the Gateway. */
  guildEvents: GuildEvents;
  directory: Directory;
  /** The guild's text channels and their messages. */
  channels: ChannelStore;
  tokens: TokenStore;
  routeLimiter: RouteLimiter;
  globalLimiter: GlobalLimiter;
  invalidRequests: InvalidRequestLimiter;
  faults: FaultStore;
  stats: Stats;
  /** Set by server.ts once the Gateway listens; absent in contexts made without a server. */
  gateway?: GatewayPort;
};

export function createContext(config: EmulatorConfig): EmulatorContext {
  const { clock } = config;
  const guildEvents = createGuildEvents();
  const directory = createDirectory(clock, guildEvents);
  return {
    config,
    guildEvents,
    directory,
    channels: createChannelStore(clock, directory),
    tokens: createTokenStore({ clock, tokenTtlSeconds: config.tokenTtlSeconds }),
    routeLimiter: createRouteLimiter({ clock, limits: config.bucketLimits }),
    globalLimiter: createGlobalLimiter({ clock, perSecond: config.globalLimitPerSecond }),
    invalidRequests: createInvalidRequestLimiter({ clock, limit: config.invalidLimit, banSeconds: config.banSeconds }),
    faults: createFaultStore(),
    stats: createStats(),
  };
}

/** Back to the fixture: users, roles, channels and their messages, tokens, buckets, bans, faults and counters. Configuration stays. */
export function resetContext(context: EmulatorContext): void {
  context.directory.reset();
  context.channels.reset();
  context.tokens.reset();
  context.routeLimiter.reset();
  context.globalLimiter.reset();
  context.invalidRequests.reset();
  context.faults.clear();
  context.stats.reset();
  context.guildEvents.announceReset();
}

/** A matched request as route handlers see it. */
export type RouteRequest = {
  params: Readonly<Record<string, string>>;
  /** The API prefix the caller used (`/api/v10`, `/api` or none), for links back to the emulator. */
  prefix: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
};

/** Authentication first, so a refused caller spends no bucket; then the handler, which may change state. */
export type PreparedRoute = { ok: false; response: EmulatorResponse } | { ok: true; principal: string; handle: () => EmulatorResponse };

export type RouteHandler = { prepare(request: RouteRequest): PreparedRoute };

export type RouteTable = Record<RouteKey, RouteHandler>;

/** Pairs an authentication step with a handler that receives what it proved, whatever its type. */
export function defineRoute<C>(
  authenticate: (request: RouteRequest) => AuthOutcome<C>,
  handle: (request: RouteRequest, caller: C) => EmulatorResponse,
): RouteHandler {
  return {
    prepare(request) {
      const outcome = authenticate(request);
      if (!outcome.ok) return outcome;
      return { ok: true, principal: outcome.principal, handle: () => handle(request, outcome.caller) };
    },
  };
}
