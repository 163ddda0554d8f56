import "server-only";
import { getEnv } from "@/lib/env";
import { getDiscordRest } from "@/lib/discord";
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

/** The app's action context: the shared Redis, the bot's REST client, the role cache, the configuration. */
export function getActionContext(): ActionContext {
  if (!actionContext) {
    const env = getEnv();
    actionContext = {
      redis: getRedis(),
      keys: productKeyspace(),
      guild: createGuildAdapter({ rest: getDiscordRest(), guildId: env.DISCORD_GUILD_ID, deadlineMs: actionPolicy.discordDeadlineMs }),
      roleCache: getRoleService(),
      roleIds: configuredRoleIds(),
      guildId: env.DISCORD_GUILD_ID,
      admission: actionPolicy.admission,
      log: moduleLogger("actions"),
      now: Date.now,
    };
  }
  return actionContext;
}
