import "server-only";
import { createHash } from "node:crypto";
import { getSessionState, type SessionUser } from "@/lib/auth/session";
import { SessionExpiredError } from "@/lib/auth/errors";
import { getEnv } from "@/lib/env";
import { clientAddressHeader } from "@/lib/http/gate";
import { moduleLogger } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { isRedisUnavailable } from "@/lib/redis/connection";
import { ApiError, errorResponse, retryAfterSecondsOf } from "./errors";
import { hitRateLimit } from "./rate-limit";
import type { RateLimitPolicyName } from "./ratelimit-policies";

const log = moduleLogger("api");

type Handler = (context: { request: Request; user: SessionUser }) => Promise<Response>;

type Options = {
  rateLimit: RateLimitPolicyName;
  /**
   * Refuse state-changing requests (anything but GET and HEAD) whose
   * `Origin` is not this app: the session cookie rides along on cross-site
   * requests, so without this another site could act in the user's name.
   * On unless a route says otherwise.
   */
  sameOrigin?: boolean;
};

const readOnlyMethods = new Set(["GET", "HEAD"]);

/**
 * Same origin: scheme, host and port equal to the configured public URL.
 * No request header can widen this: `Host` and `X-Forwarded-Host` are the
 * client's to write.
 */
export function isSameOrigin(request: Pick<Request, "headers">): boolean {
  const origin = request.headers.get("origin");
  if (origin === null || origin === "null") return false;
  try {
    return new URL(origin).origin === new URL(getEnv().NEXTAUTH_URL).origin;
  } catch {
    return false;
  }
}

/**
 * The guard every signed-in route goes through: origin (for mutations),
 * a live server-side session, per-user rate limit, and error mapping,
 * once, so a handler is one domain call.
 */
export function withSession(handler: Handler, options: Options) {
  return async (request: Request): Promise<Response> => {
    try {
      const user = await admitSignedIn(request, options);
      return await handler({ request, user });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * The guard's checks, for anything that acts in a signed-in user's name:
 * the routes above and the forms' server actions (lib/api/form-action.ts),
 * which see the same method and headers. Throws what `errorResponse` maps.
 */
export async function admitSignedIn(request: Pick<Request, "method" | "headers">, options: Options): Promise<SessionUser> {
  if ((options.sameOrigin ?? true) && !readOnlyMethods.has(request.method) && !isSameOrigin(request)) {
    throw new ApiError("cross_origin", "This request did not come from the SAFA Dashboard. Reload the page and try again.");
  }
  const state = await getSessionState();
  if (state.kind !== "signed-in") {
    // Without a session there is no user to limit: limit the client's address instead.
    throwIfLimited(await limitOrOpen("anonymous", addressSubject(request)));
    if (state.kind === "ended") throw new SessionExpiredError();
    throw new ApiError("unauthenticated", "Please log in with Discord first.");
  }
  const { user } = state;
  if (!user.verified && !readOnlyMethods.has(request.method)) {
    throw new ApiError("unavailable", "The dashboard is temporarily unavailable. Please try again in a few seconds.", { retryAfterSeconds: 5 });
  }
  throwIfLimited(await limitOrOpen(options.rateLimit, user.id));
  return user;
}

export function throwIfLimited(verdict: { allowed: boolean; retryAfterMs: number }): void {
  if (verdict.allowed) return;
  const retryAfterSeconds = retryAfterSecondsOf(verdict.retryAfterMs);
  throw new ApiError("rate_limited", `Too many requests. Please wait ${retryAfterSeconds} s.`, { retryAfterSeconds });
}

/**
 * The client's address as the front door (server/main.ts) established it
 * from the socket and the configured trusted proxies, hashed: a client
 * string never names a Redis key. Without the front door every anonymous
 * client shares one limit, which fails closed rather than open.
 */
export function addressSubject(request: Pick<Request, "headers">): string {
  const address = request.headers.get(clientAddressHeader) ?? "unknown";
  return createHash("sha256").update(address).digest("hex").slice(0, 32);
}

/**
 * Our own rate limit fails open while Redis is unreachable: it protects
 * Redis, and with Redis away the handlers answer from memory or with a 503.
 */
export async function limitOrOpen(policy: RateLimitPolicyName, subject: string) {
  try {
    return await hitRateLimit(getRedis(), policy, subject);
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    log.warn({ policy }, "rate limit skipped: redis unavailable");
    return { allowed: true, retryAfterMs: 0, remaining: 0 };
  }
}
