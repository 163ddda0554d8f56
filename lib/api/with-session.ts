import "server-only";
import { getCurrentUser, type SessionUser } from "@/lib/auth/session";
import { getRedis } from "@/lib/redis/client";
import { ApiError, errorResponse } from "./errors";
import { hitRateLimit } from "./rate-limit";
import type { RateLimitPolicyName } from "./ratelimit-policies";

type Handler = (context: { request: Request; user: SessionUser }) => Promise<Response>;

/**
 * The guard every signed-in route goes through: session, per-user rate
 * limit, and error mapping, once, so a handler is one domain call.
 */
export function withSession(handler: Handler, options: { rateLimit: RateLimitPolicyName }) {
  return async (request: Request): Promise<Response> => {
    try {
      const user = await getCurrentUser();
      if (!user) throw new ApiError(401, "unauthenticated", "Please log in with Discord first.");
      const verdict = await hitRateLimit(getRedis(), options.rateLimit, user.id);
      if (!verdict.allowed) {
        const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1_000));
        throw new ApiError(429, "rate_limited", `Too many requests. Please wait ${retryAfterSeconds} s.`, { retryAfterSeconds });
      }
      return await handler({ request, user });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
