import "server-only";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import { createDiscordRest, type DiscordRest } from "./rest";

const globalForDiscord = globalThis as unknown as { safaDiscordRest?: DiscordRest };

/**
 * The bot's REST client of this process. One per process so every request
 * shares the same in-process queues, and through Redis the same limits as
 * every other process using the bot token.
 */
export function getDiscordRest(): DiscordRest {
  const env = getEnv();
  globalForDiscord.safaDiscordRest ??= createDiscordRest({
    redis: getRedis(),
    botToken: env.DISCORD_BOT_TOKEN,
    apiBase: env.DISCORD_API_BASE,
    globalPerSecond: env.DISCORD_GLOBAL_LIMIT_PER_SECOND,
  });
  return globalForDiscord.safaDiscordRest;
}
