import "server-only";
import { getTokenStore } from "@/lib/auth";
import { getDiscordRest } from "@/lib/discord";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import type { RolesAnswer, RolesSource, RolesUnavailable } from "./answer";
import { createRoleService, type RoleLookup, type RoleService } from "./service";
import { chooseView, type RoleIds } from "./view";

/** One per bundle layer (see lib/teams/index.ts for why not globalThis); they meet in Redis. */
let roleService: RoleService | undefined;

export function getRoleService(): RoleService {
  const env = getEnv();
  roleService ??= createRoleService({
    redis: getRedis(),
    rest: getDiscordRest(),
    apiBase: env.DISCORD_API_BASE,
    guildId: env.DISCORD_GUILD_ID,
    tokens: getTokenStore(),
  });
  return roleService;
}

export function configuredRoleIds(): RoleIds {
  const env = getEnv();
  return {
    updatedProfile: env.DISCORD_ROLE_UPDATED_PROFILE,
    freeAgent: env.DISCORD_ROLE_FREE_AGENT,
    player: env.DISCORD_ROLE_PLAYER,
    teamManager: env.DISCORD_ROLE_TEAM_MANAGER,
    tournamentAdmin: env.DISCORD_ROLE_TOURNAMENT_ADMIN,
  };
}

const sourceOf: Record<Extract<RoleLookup, { kind: "roles" }>["how"], RolesSource> = {
  live: "live",
  fresh: "discord",
  collapsed: "discord",
  paced: "cache",
  fallback: "cache",
  memory: "memory",
};

export type RolesResult = { ok: true; answer: RolesAnswer } | { ok: false; unavailable: RolesUnavailable };

/** The signed-in user's roles as the dashboard needs them: the view, the IDs, and how fresh they are. */
export async function rolesAnswerFor(user: { id: string; sessionId: string }): Promise<RolesResult> {
  const lookup = await getRoleService().lookup(user.id, user.sessionId);
  if (lookup.kind === "unavailable") {
    return { ok: false, unavailable: { error: lookup.reason === "storage" ? "unavailable" : "discord_busy", message: lookup.message, retryAfterSeconds: Math.max(1, Math.ceil(lookup.retryAfterMs / 1_000)) } };
  }
  const { snapshot } = lookup;
  const decision = chooseView(snapshot.member, snapshot.roles, configuredRoleIds());
  return {
    ok: true,
    answer: {
      ...decision,
      member: snapshot.member,
      roles: snapshot.roles,
      nick: snapshot.nick,
      fetchedAt: new Date(snapshot.fetchedAt).toISOString(),
      how: sourceOf[lookup.how],
      stale: lookup.stale,
      nextRefreshAt: new Date(lookup.nextRefreshAt).toISOString(),
      discordBusy: lookup.discordBusy,
    },
  };
}
