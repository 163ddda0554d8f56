import "server-only";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError, retryAfterSecondsOf } from "@/lib/api/errors";
import { rateLimitPolicies } from "@/lib/api/ratelimit-policies";
import { runScript } from "@/lib/redis/lua-script";
import { fixedWindowScript } from "@/lib/redis/scripts/fixed-window";
import { actionAdmitScript } from "@/lib/redis/scripts/action-admit";
import type { ActionContext } from "./context";
import { requireReplicated } from "./replication";

const admitReply = (reply: unknown): [number, number, string] => reply as [number, number, string];

/**
 * Admits an action that is about to spend the bot's Discord budget, which
 * every user of the guild shares: at most the guild's share per second, and
 * at most a user's share of that per user. Checked in Redis, so every app
 * process admits against the same buckets. Fails closed: without Redis the
 * action could not be recorded anyway.
 */
export async function admitDiscordAction(context: ActionContext, userId: string): Promise<void> {
  const policy = context.admission;
  const [admitted, waitMs, bucket] = admitReply(
    await runScript(context.redis, actionAdmitScript, {
      keys: { userKey: context.keys.admission(`user:${userId}`), guildKey: context.keys.admission("guild") },
      args: {
        nowMs: context.now(),
        userRatePerSecond: policy.userPerSecond,
        userBurst: policy.userBurst,
        guildRatePerSecond: policy.guildPerSecond,
        guildBurst: policy.guildBurst,
      },
    }),
  );
  if (admitted === 1) return;
  const retryAfterSeconds = retryAfterSecondsOf(waitMs);
  if (bucket === "user") {
    throw new ApiError("too_many_changes", `You are making changes faster than Discord lets us apply them. Please wait ${retryAfterSeconds} s and try again.`, {
      retryAfterSeconds,
    });
  }
  throw new ApiError("discord_busy", `Discord is busy with other players' changes right now, so nothing was changed. Please try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
}

/**
 * Refusals that are the caller's doing (no right, nothing there, a rule
 * broken); not "busy", a lost lease or Discord's own refusals.
 */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status !== 403 && error.status !== 404 && error.status !== 409) return false;
  return !["busy", "lost_lock", "discord_rejected", "discord_incomplete", "cross_origin"].includes(error.code);
}

/**
 * Runs an action, counting it against the caller when it is refused; a user
 * refused too often in the window is answered 429 without running anything,
 * so probing for teams and people one has no right to stays cheap for us.
 *
 * Every action passes here, so here an applied change is confirmed on the
 * replicas before it is answered as done (`outcome_unsure` otherwise): the
 * ones that change Discord confirmed their journal and commit in the saga
 * already, and this covers the ones that are one Redis script (a request,
 * an offer, an admin's tournament setting) and what an action wrote after
 * its commit.
 */
export async function countingRefusals<T extends ActionResult>(context: ActionContext, userId: string, action: () => Promise<T>): Promise<T> {
  const policy = rateLimitPolicies.refusals;
  const key = context.keys.refusals(userId);
  const [count, ttlMs] = await Promise.all([context.redis.get(key), context.redis.pttl(key)]);
  if (count !== null && Number(count) >= policy.hits) {
    const retryAfterSeconds = retryAfterSecondsOf(ttlMs > 0 ? ttlMs : policy.windowMs);
    throw new ApiError("too_many_refusals", `Too many of your recent requests were refused. Please wait ${retryAfterSeconds} s before trying again.`, {
      retryAfterSeconds,
    });
  }
  let result: T;
  try {
    result = await action();
  } catch (error) {
    if (isRefusal(error)) {
      await runScript(context.redis, fixedWindowScript, { keys: { counterKey: key }, args: { windowMs: policy.windowMs, hitsMax: policy.hits } }).catch(
        () => undefined,
      );
    }
    throw error;
  }
  if (result.applied) await requireReplicated(context, result.teamId === null ? "action" : `action on team ${result.teamId}`);
  return result;
}
