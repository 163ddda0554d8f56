import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { PrimaryChange } from "../../redis/primary-watch";
import type { RestEventName, RestListener } from "./events";
import type { EgressState, RestState } from "./limiter-store";
import type { RestPolicy } from "./policy";
import type { HttpMethod, RouteLike } from "./route";
import type { RestAnswer } from "./send-attempt";

/** A `fetch`-compatible function; tests inject one, production uses the global `fetch`. */
export type Transport = (url: string, init: RequestInit) => Promise<Response>;

/** How the client learns that its Redis connection reached another server (lib/redis/primary-watch.ts); returns a stop function. */
export type WatchPrimary = (redis: Redis, listener: (change: PrimaryChange) => void) => () => void;

export type DiscordRestOptions = {
  /** Shared by every process using the bot token; the client registers its scripts on it. */
  redis: Redis;
  /**
   * Absent for a client that only sends users' tokens (`attempt`, or requests
   * with `auth`); a request that needs the bot token then fails with
   * `MissingBotTokenError`.
   */
  botToken?: string;
  /** Including the version, e.g. `https://discord.com/api/v10`. */
  apiBase: string;
  /** Discord's global limit for this token (50 unless Discord raised it). */
  globalPerSecond?: number;
  /** Share of Discord's 10 000 invalid requests per 10 minutes after which we refuse to send. */
  invalidShare?: number;
  defaultDeadlineMs?: number;
  transport?: Transport;
  /**
   * Names the public IP this process sends from. Discord counts invalid
   * requests per IP, so processes behind one NAT must use the same id.
   */
  egressId?: string;
  /** Prefix of every Redis key (tests use a random one). */
  keyPrefix?: string;
  /** Overrides of the numbers in `restPolicy`. */
  policy?: Partial<RestPolicy>;
  /** Set false to skip the pub/sub wake-up connection (waiters then poll). */
  subscribe?: boolean;
  userAgent?: string;
  logger?: Logger;
  /**
   * Watches the connection for a change of Redis primary, after which the
   * shared limiter state is made conservative (distrust-after-failover.ts).
   * Default: `watchPrimary`, shared by every client on the connection;
   * tests pass their own to simulate a change.
   */
  watchPrimary?: WatchPrimary;
};

export type RequestAuth = { bearer: string } | { none: true };

export type RequestOptions = {
  /** Sent as JSON; `URLSearchParams` and `FormData` are sent as they are. */
  body?: unknown;
  query?: URLSearchParams | Record<string, string | number | boolean>;
  /** Written to the guild's audit log. */
  reason?: string;
  /** Longest this call may wait for rate limits, from now. */
  deadlineMs?: number;
  /** Default: the bot token. */
  auth?: RequestAuth;
  signal?: AbortSignal;
};

/** One attempt with a user's token (or none), reported rather than retried. */
export type AttemptOptions = {
  auth: RequestAuth;
  /** No answer within this is a `DiscordTransportError`. */
  timeoutMs: number;
  query?: RequestOptions["query"];
};

export type DiscordRest = {
  request<T = unknown>(method: HttpMethod, route: RouteLike, options?: RequestOptions): Promise<T>;
  get<T = unknown>(route: RouteLike, options?: RequestOptions): Promise<T>;
  post<T = unknown>(route: RouteLike, options?: RequestOptions): Promise<T>;
  put<T = unknown>(route: RouteLike, options?: RequestOptions): Promise<T>;
  patch<T = unknown>(route: RouteLike, options?: RequestOptions): Promise<T>;
  delete<T = unknown>(route: RouteLike, options?: RequestOptions): Promise<T>;
  /**
   * Sends one attempt now, with no queue, no bucket and no retry, and hands
   * back the answer whatever its status, with its rate-limit headers and its
   * classification: for a caller that paces a user's token by its own rules
   * (the role service). The egress IP's state still applies, because Discord
   * counts and bans per IP whichever token a request carries: an open ban
   * breaker refuses with `CloudflareBanError` before sending, and a ban or an
   * invalid answer is recorded for every process.
   */
  attempt(method: HttpMethod, route: RouteLike, options: AttemptOptions): Promise<RestAnswer>;
  /** The egress IP's ban breaker, as every process sees it. */
  egress(): Promise<EgressState>;
  on<E extends RestEventName>(event: E, listener: RestListener<E>): () => void;
  /** Limiter state for an admin health panel. */
  inspect(): Promise<RestState>;
  /** Stops wake-ups and probes; the Redis connection stays the caller's. */
  close(): Promise<void>;
};
