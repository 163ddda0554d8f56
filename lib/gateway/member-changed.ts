import type { Redis } from "ioredis";
import { z } from "zod";
import { moduleLogger } from "@/lib/log";
import { memberChangedChannel } from "./keys";

const log = moduleLogger("gateway");

/** A member whose roles or membership the mirror just changed; read the new state from the mirror. */
export type MemberChange = { guildId: string; userId: string };
export type MemberChangeListener = (change: MemberChange) => void;

const changeSchema = z.object({ guildId: z.string(), userId: z.string() });

/** Announces changes on the pub/sub channel, one message per member, in one round trip. */
export async function publishMemberChanges(redis: Redis, guildId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const pipeline = redis.pipeline();
  for (const userId of userIds) pipeline.publish(memberChangedChannel, JSON.stringify({ guildId, userId } satisfies MemberChange));
  await pipeline.exec();
}

/**
 * Calls `listener` for every change any Gateway worker announces. A
 * subscribed connection can do nothing else, so this opens its own beside
 * `redis`; the returned function closes it.
 */
export async function subscribeMemberChanges(redis: Redis, listener: MemberChangeListener): Promise<() => Promise<void>> {
  const subscriber = redis.duplicate();
  subscriber.on("message", (channel: string, message: string) => {
    if (channel !== memberChangedChannel) return;
    try {
      const parsed = changeSchema.safeParse(JSON.parse(message));
      if (parsed.success) listener(parsed.data);
    } catch (error) {
      log.warn({ err: (error as Error).message }, "unreadable member change message");
    }
  });
  await subscriber.subscribe(memberChangedChannel);
  return async () => {
    await subscriber.quit();
  };
}
