import { DiscordTransportError } from "./errors";
import { buildInit, buildUrl } from "./http-request";
import { restPolicy, type RestPolicy } from "./policy";
import { isConnectPhaseError } from "./retry";
import { parseRoute, type HttpMethod, type RouteLike } from "./route";
import { sendAttempt, type RestAnswer } from "./send-attempt";
import type { AttemptOptions, Transport } from "./types";

/** Sent with every request, as Discord asks of API clients. */
export const defaultUserAgent = "DiscordBot (https://github.com/safa-esports/safa-dashboard, 0.1.0)";

export type UnsharedAttemptOptions = AttemptOptions & {
  /** Including the version, e.g. `https://discord.com/api/v10`. */
  apiBase: string;
  transport?: Transport;
  userAgent?: string;
  policy?: RestPolicy;
};

/**
 * One attempt with a user's token (or none), answered whatever its status,
 * with no shared state: no ban breaker read, nothing recorded. The app goes
 * through `DiscordRest.attempt`, which adds both; this form is for callers
 * that keep their own state, such as the benchmark's published algorithm.
 * No answer within `timeoutMs` (or none at all) is a `DiscordTransportError`.
 */
export async function attemptRequest(method: HttpMethod, route: RouteLike, options: UnsharedAttemptOptions): Promise<RestAnswer> {
  const bearer = "bearer" in options.auth ? options.auth.bearer : undefined;
  const url = buildUrl(options.apiBase.replace(/\/+$/, ""), route, options.query);
  const init = buildInit({
    method,
    options: {},
    authHeader: bearer === undefined ? undefined : `Bearer ${bearer}`,
    userAgent: options.userAgent ?? defaultUserAgent,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const authKind = bearer === undefined ? "none" : "bearer";
  try {
    return await sendAttempt({ transport: options.transport ?? ((target, request) => fetch(target, request)), url, init, authKind, policy: options.policy ?? restPolicy });
  } catch (error) {
    throw new DiscordTransportError(method, parseRoute(method, route).template, isConnectPhaseError(error), { cause: error });
  }
}
