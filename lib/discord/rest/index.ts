import "server-only";

/**
 * Discord REST client shared by all app processes through Redis.
 * App code imports from here; the benchmark and child-process tests import
 * the inner modules directly because they run outside Next.js.
 */
export {
  createDiscordRest,
  type AttemptOptions,
  type DiscordRest,
  type DiscordRestOptions,
  type RequestAuth,
  type RequestOptions,
  type Transport,
} from "./create-discord-rest";
export {
  BotTokenInvalidError,
  CloudflareBanError,
  DiscordAPIError,
  DiscordTransportError,
  InvalidRequestBudgetError,
  MissingBotTokenError,
  RateLimitedError,
  RestClientClosedError,
  type RateLimitScope,
} from "./errors";
export type { RestEventName, RestEvents, RestListener } from "./events";
export type { BucketSnapshot, EgressState, RateLimitKind, RestState } from "./limiter-store";
export { restPolicy, type RestPolicy } from "./policy";
export type { HttpMethod, RouteLike } from "./route";
export type { RestAnswer } from "./send-attempt";
