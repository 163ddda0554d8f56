import "server-only";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import { createDiscordRest, type DiscordRest } from "./rest";

/**
 * The bot's REST client of this bundle layer (route handlers, or server
 * components): requests of the layer share its in-process queues, and
 * through Redis the same limits as every other client using the bot token.
 * Module scope, not globalThis, so its typed errors are the classes the
 * layer's own code checks with `instanceof`.
 */
let rest: DiscordRest | undefined;

export function getDiscordRest(): DiscordRest {
  const env = getEnv();
  rest ??= createDiscordRest({
    redis: getRedis(),
    botToken: env.DISCORD_BOT_TOKEN,
    apiBase: env.DISCORD_API_BASE,
    globalPerSecond: env.DISCORD_GLOBAL_LIMIT_PER_SECOND,
  });
  return rest;
}
