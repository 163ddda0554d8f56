import "server-only";
import { productKeyspace } from "@/lib/actions/keys";
import { moduleLogger } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { isRedisUnavailable } from "@/lib/redis/connection";

const log = moduleLogger("api");

/**
 * A form posted without scripts ends with a redirect to the dashboard
 * (lib/api/form-action.ts); the sentence saying what happened waits here
 * for that one page render. Kept in Redis under the user, not in the
 * address (anyone could write a link that shows a made-up sentence) nor in
 * a cookie (a server component cannot clear it, so it would show again).
 */
export const formOutcomePolicy = {
  /** The redirect follows at once; a sentence nobody came for is dropped after this. */
  keepMs: 60_000,
} as const;

export async function rememberFormOutcome(userId: string, message: string): Promise<void> {
  await getRedis().set(productKeyspace().formOutcome(userId), message, "PX", formOutcomePolicy.keepMs);
}

/**
 * The sentence waiting for this user, once: read and removed together, so
 * a reload does not repeat it. Fails open: with Redis away the page renders
 * without it rather than not at all.
 */
export async function takeFormOutcome(userId: string): Promise<string | null> {
  try {
    return await getRedis().getdel(productKeyspace().formOutcome(userId));
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    log.warn("form outcome skipped: redis unavailable");
    return null;
  }
}
