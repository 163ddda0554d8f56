import "server-only";
import { getDiscordRest } from "@/lib/discord";
import { getEnv } from "@/lib/env";
import { moduleLogger } from "@/lib/log";
import { getRedis } from "@/lib/redis/client";
import { configuredRoleIds, getRoleService } from "@/lib/roles";
import type { TeamContext } from "./context";
import { createGuildAdapter } from "./guild-adapter";
import { teamKeyspace } from "./keys";
import { teamPolicy } from "./policy";
import { createTeamService, type TeamService } from "./service";

/*
 * Module scope on purpose, not globalThis: Next.js bundles server code once
 * per layer (route handlers, server components), each with its own copy of
 * our error classes. A service shared across layers would throw errors that
 * the other layer's `instanceof` does not recognise. Each layer gets its own
 * instance; they share everything that matters through Redis (and the one
 * process-wide Redis connection).
 */
let teamContext: TeamContext | undefined;
let teamService: TeamService | undefined;

/** The app's team context: the shared Redis, the bot's REST client, the role cache, the configuration. */
export function getTeamContext(): TeamContext {
  if (!teamContext) {
    const env = getEnv();
    const redis = getRedis();
    teamContext = {
      redis,
      keys: teamKeyspace(),
      guild: createGuildAdapter({ rest: getDiscordRest(), guildId: env.DISCORD_GUILD_ID, deadlineMs: teamPolicy.discordDeadlineMs }),
      roleCache: getRoleService(),
      roleIds: configuredRoleIds(),
      guildId: env.DISCORD_GUILD_ID,
      rosterMax: env.TEAM_ROSTER_MAX,
      admission: teamPolicy.admission,
      log: moduleLogger("teams"),
      now: Date.now,
    };
  }
  return teamContext;
}

export function getTeamService(): TeamService {
  teamService ??= createTeamService(getTeamContext());
  return teamService;
}
