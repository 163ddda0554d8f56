import "server-only";
import { z } from "zod";
import { ApiError, retryAfterSecondsOf } from "@/lib/api/errors";
import { isConfiguredRole, type TeamContext } from "./context";
import { GuildRejectedError, GuildUnavailableError, type GuildRole } from "@/lib/actions/guild-port";
import { teamPolicy } from "./policy";

/** The guild's roles and the bot's place among them, as read together from Discord. */
export type GuildSnapshot = { roles: GuildRole[]; botTopPosition: number };

/** The shape of the cached snapshot (keys.guildRoles); the record checker parses it with this too. */
export const guildSnapshotSchema = z.object({
  roles: z.array(z.object({ id: z.string(), name: z.string(), permissions: z.string(), managed: z.boolean(), position: z.number().int() })),
  botTopPosition: z.number().int(),
});

async function readCached(context: TeamContext): Promise<GuildSnapshot | null> {
  const raw = await context.redis.get(context.keys.guildRoles);
  if (raw === null) return null;
  try {
    const parsed = guildSnapshotSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The guild's roles and the bot's highest position. `fresh` skips the
 * short-lived copy in Redis: an admin marking a role judges what Discord says
 * now. Throws the guild port's errors (busy, refused) for the caller to word.
 */
export async function readGuildSnapshot(context: TeamContext, options: { fresh: boolean }): Promise<GuildSnapshot> {
  if (!options.fresh) {
    const cached = await readCached(context);
    if (cached) return cached;
  }
  const [roles, botRoles] = await Promise.all([context.guild.listRoles(), context.guild.getBotRoles()]);
  const held = new Set(botRoles);
  const botTopPosition = Math.max(0, ...roles.filter((role) => held.has(role.id)).map((role) => role.position));
  const snapshot = { roles, botTopPosition };
  await context.redis.set(context.keys.guildRoles, JSON.stringify(snapshot), "EX", teamPolicy.guildRolesCacheSeconds);
  return snapshot;
}

/** Drops the cached snapshot, after an action created or deleted a role. */
export async function forgetGuildSnapshot(context: TeamContext): Promise<void> {
  await context.redis.del(context.keys.guildRoles);
}

/**
 * Why a role may not be a team's, or null when it may. A team role is handed
 * to newcomers by the bot and deleted on disband, so it must grant nothing,
 * be no integration's, be none of the dashboard's own roles, and sit below
 * the bot (which could not manage it otherwise, and must never hand out
 * anything as strong as itself).
 */
export function teamRoleRefusal(context: Pick<TeamContext, "guildId" | "roleIds">, snapshot: GuildSnapshot, roleId: string): string | null {
  if (roleId === context.guildId) return "@everyone cannot be a team.";
  if (isConfiguredRole(context, roleId)) return "This is one of the dashboard's own roles, not a team's.";
  const role = snapshot.roles.find((entry) => entry.id === roleId);
  if (!role) return "There is no such role on the SAFA server.";
  if (role.managed) return `${role.name} belongs to an integration (a bot or server boosts), so it cannot be a team.`;
  if (role.permissions !== "0") return `${role.name} grants permissions on the server. Only a role that grants none can be a team.`;
  if (role.position >= snapshot.botTopPosition) return `${role.name} is at or above the bot's own role, so it cannot be a team.`;
  return null;
}

/** A role's name, for naming a team after it. */
export function roleName(snapshot: GuildSnapshot, roleId: string): string | null {
  return snapshot.roles.find((entry) => entry.id === roleId)?.name ?? null;
}

/** The guild port's failures, worded for a user who asked for something that needs the role list. */
export function guildReadFailure(error: unknown): unknown {
  if (error instanceof GuildUnavailableError) {
    const retryAfterSeconds = retryAfterSecondsOf(error.retryAfterMs);
    return new ApiError("discord_unavailable", `We could not read the server's roles from Discord just now. Please try again in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  }
  if (error instanceof GuildRejectedError) return new ApiError("discord_rejected", "Discord refused to show the server's roles to the bot.");
  return error;
}

/**
 * Refuses to hand out a team role made on Discord (marked by an admin) that
 * no longer passes the checks: it may have gained a permission since.
 */
export async function requireSafeTeamRole(context: TeamContext, roleId: string): Promise<void> {
  const snapshot = await readGuildSnapshot(context, { fresh: false }).catch((error: unknown) => {
    throw guildReadFailure(error);
  });
  const refusal = teamRoleRefusal(context, snapshot, roleId);
  if (refusal !== null) {
    context.log.warn({ roleId, refusal }, "a marked team role no longer passes the team-role checks");
    throw new ApiError("unsafe_team_role", `${refusal} Ask a tournament admin to fix the role on Discord.`);
  }
}
