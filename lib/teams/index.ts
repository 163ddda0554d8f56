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

const globalForTeams = globalThis as unknown as { safaTeamContext?: TeamContext; safaTeamService?: TeamService };

/** The app's team context: the shared Redis, the bot's REST client, the role cache, the configuration. */
export function getTeamContext(): TeamContext {
  if (!globalForTeams.safaTeamContext) {
    const env = getEnv();
    const redis = getRedis();
    globalForTeams.safaTeamContext = {
      redis,
      keys: teamKeyspace(),
      guild: createGuildAdapter({ rest: getDiscordRest(), guildId: env.DISCORD_GUILD_ID, deadlineMs: teamPolicy.discordDeadlineMs }),
      roleCache: getRoleService(),
      roleIds: configuredRoleIds(),
      guildId: env.DISCORD_GUILD_ID,
      rosterMax: env.TEAM_ROSTER_MAX,
      log: moduleLogger("teams"),
      now: Date.now,
    };
  }
  return globalForTeams.safaTeamContext;
}

export function getTeamService(): TeamService {
  globalForTeams.safaTeamService ??= createTeamService(getTeamContext());
  return globalForTeams.safaTeamService;
}
