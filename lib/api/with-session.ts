import "server-only";
import { getCurrentUser, type SessionUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { moduleLogger } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { isRedisUnavailable } from "@/lib/redis/connection";
import { ApiError, errorResponse } from "./errors";
import { hitRateLimit } from "./rate-limit";
import type { RateLimitPolicyName } from "./ratelimit-policies";

const log = moduleLogger("api");

type Handler = (context: { request: Request; user: SessionUser }) => Promise<Response>;

type Options = {
  rateLimit: RateLimitPolicyName;
  /**
   * Refuse state-changing requests (anything but GET and HEAD) whose `Origin`
   * is not this app: the session cookie rides along on cross-site requests,
   * so without this another site could act in the user's name.
   */
  sameOrigin?: boolean;
};

const readOnlyMethods = new Set(["GET", "HEAD"]);

/** Same origin: the configured public URL, or the host the request was sent to (as Next.js checks Server Actions). */
function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin === null || origin === "null") return false;
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return false;
  }
  if (originUrl.origin === new URL(getEnv().NEXTAUTH_URL).origin) return true;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  return host !== null && originUrl.host === host;
}

/**
 * The guard every signed-in route goes through: origin (for mutations, when
 * asked), session, per-user rate limit, and error mapping, once, so a
 * handler is one domain call.
 */
export function withSession(handler: Handler, options: Options) {
  return async (request: Request): Promise<Response> => {
    try {
      if (options.sameOrigin && !readOnlyMethods.has(request.method) && !isSameOrigin(request)) {
        throw new ApiError(403, "cross_origin", "This request did not come from the SAFA Dashboard. Reload the page and try again.");
      }
      const user = await getCurrentUser();
      if (!user) {
        // Without a session there is no user to limit: limit the client's address instead.
        throwIfLimited(await limitOrOpen("anonymous", clientAddress(request)));
        throw new ApiError(401, "unauthenticated", "Please log in with Discord first.");
      }
      throwIfLimited(await limitOrOpen(options.rateLimit, user.id));
      return await handler({ request, user });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function throwIfLimited(verdict: { allowed: boolean; retryAfterMs: number }): void {
  if (verdict.allowed) return;
  const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1_000));
  throw new ApiError(429, "rate_limited", `Too many requests. Please wait ${retryAfterSeconds} s.`, { retryAfterSeconds });
}

/**
 * The peer address as the server saw it: the last `X-Forwarded-For` entry,
 * which Next.js (or the load balancer in front of it) appends. Entries to
 * its left come from the client and can be forged.
 */
function clientAddress(request: Request): string {
  const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  return hops.at(-1) ?? "unknown";
}

/**
 * Our own rate limit fails open while Redis is unreachable: it protects
 * Redis, and with Redis away the handlers answer from memory or with a 503.
 */
async function limitOrOpen(policy: RateLimitPolicyName, subject: string) {
  try {
    return await hitRateLimit(getRedis(), policy, subject);
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    log.warn({ policy }, "rate limit skipped: redis unavailable");
    return { allowed: true, retryAfterMs: 0, remaining: 0 };
  }
}
