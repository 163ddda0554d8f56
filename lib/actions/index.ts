import "server-only";
import { getEnv } from "@/lib/env";
import { getDiscordRest } from "@/lib/discord";
import { announcingRoleChanges, createChangeNotices } from "@/lib/events/change-notices";
import { moduleLogger } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { configuredRoleIds, getRoleService } from "@/lib/roles";
import type { ActionContext } from "./context";
import { createGuildAdapter } from "./guild-adapter";
import { productKeyspace } from "./keys";
import { actionPolicy } from "./policy";

/*
 * Module scope on purpose, not globalThis: Next.js bundles server code once
 * per layer (route handlers, server components), each with its own copy of
 * our error classes. A context shared across layers would throw errors that
 * the other layer's `instanceof` does not recognise. Each layer gets its own
 * instance; they share everything that matters through Redis (and the one
 * process-wide Redis connection).
 */
let actionContext: ActionContext | undefined;

/** The app's action context: the shared Redis, the bot's REST client, the role cache (announcing changed roles to open tabs), the configuration. */
export function getActionContext(): ActionContext {
  if (!actionContext) {
    const env = getEnv();
    const keys = productKeyspace();
    const notices = createChangeNotices(getRedis(), keys);
    actionContext = {
      redis: getRedis(),
      keys,
      guild: createGuildAdapter({ rest: getDiscordRest(), guildId: env.DISCORD_GUILD_ID, deadlineMs: actionPolicy.discordDeadlineMs }),
      roleCache: announcingRoleChanges(getRoleService(), notices),
      notices,
      roleIds: configuredRoleIds(),
      guildId: env.DISCORD_GUILD_ID,
      admission: actionPolicy.admission,
      announceChanges: env.DISCORD_TRANSACTIONS_CHANNEL_ID !== undefined,
      replication: { replicas: env.REDIS_WAIT_REPLICAS, timeoutMs: env.REDIS_WAIT_TIMEOUT_MS },
      log: moduleLogger("actions"),
      now: Date.now,
    };
  }
  return actionContext;
}
