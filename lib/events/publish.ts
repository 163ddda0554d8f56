import type { Redis } from "ioredis";
import type { ProductKeys } from "@/lib/actions/keys";
import { moduleLogger } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { eventKeyspace, type EventKeys } from "./keys";
import { eventPolicy } from "./policy";

const log = moduleLogger("events");

/**
 * What changed for a user, no more: the stream reads the current data
 * itself when it pushes, so a notice never carries stale or private data,
 * and many notices collapse into one push.
 */
export type Notice = { kind: "roles" } | { kind: "team"; teamId: string };

/**
 * Appends the notice to each user's log (capped, with a lifetime) and wakes
 * every process's streams of those users. One MULTI: a process woken by the
 * PUBLISH always finds the entry in the log.
 */
export async function publishNotice(redis: Redis, keys: EventKeys, userIds: Iterable<string>, notice: Notice): Promise<void> {
  const fields = notice.kind === "team" ? ["kind", notice.kind, "teamId", notice.teamId] : ["kind", notice.kind];
  const transaction = redis.multi();
  let count = 0;
  for (const userId of new Set(userIds)) {
    const log = keys.notices(userId);
    transaction.xadd(log, "MAXLEN", "~", eventPolicy.noticesPerUserMax, "*", ...fields);
    transaction.expire(log, eventPolicy.noticeLogTtlSeconds);
    transaction.publish(keys.wakeChannel, userId);
    count += 1;
  }
  if (count === 0) return;
  await transaction.exec();
}

/**
 * Publishing fails open: the change it announces is already stored, and a
 * tab that misses the notice sees the change at its next focus, as before
 * live updates existed. So a notice never fails the action it follows.
 */
async function failingOpen(what: string, publish: () => Promise<void>): Promise<void> {
  try {
    await publish();
  } catch (error) {
    metrics.eventNoticesFailed.inc();
    log.warn({ err: error instanceof Error ? error.message : String(error), what }, "a change notice was not published");
  }
}

/**
 * Tells the user's open tabs that their roles changed: call it after the
 * role cache holds the new roles (the stream pushes what the cache holds).
 */
export function publishRolesChanged(redis: Redis, userId: string, keys: EventKeys = eventKeyspace(), options: { onlyIfWatched?: boolean } = {}): Promise<void> {
  return failingOpen("roles", async () => {
    // The Gateway announces every member a sync writes (10,000 at a cold start): only those with a
    // tab open need a notice. A tab that opens later is sent the current roles when its stream starts.
    if (options.onlyIfWatched && (await redis.exists(keys.openStreams(userId))) === 0) return;
    await publishNotice(redis, keys, [userId], { kind: "roles" });
  });
}

/** Everyone whose page shows the team: its members and the players asking to join it. */
export async function teamAudience(redis: Redis, productKeys: ProductKeys, teamId: string): Promise<string[]> {
  const [members, requesters] = await Promise.all([redis.zrange(productKeys.members(teamId), 0, "-1"), redis.zrange(productKeys.requests(teamId), 0, "-1")]);
  return [...members, ...requesters];
}

/**
 * Tells everyone whose page shows the team that it changed, plus `alsoUserIds`
 * (people the change took off the team or its requests, whom the team's
 * records no longer name).
 */
export function publishTeamChanged(redis: Redis, productKeys: ProductKeys, teamId: string, alsoUserIds: readonly string[] = [], keys: EventKeys = eventKeyspace()): Promise<void> {
  return failingOpen("team", async () => {
    const audience = await teamAudience(redis, productKeys, teamId);
    await publishNotice(redis, keys, [...audience, ...alsoUserIds], { kind: "team", teamId });
  });
}
