import "server-only";
import { ApiError, retryAfterSecondsOf } from "@/lib/api/errors";
import type { ActionContext } from "./context";
import { GuildRejectedError, GuildUnavailableError } from "./guild-port";
import { createdRole, type Step } from "./saga";

/** Who asks for an action, as their session names them. */
export type SessionActor = { id: string; name: string };

/** Who is acting, with roles read fresh from Discord through the bot for this very action. */
export type Actor = { id: string; name: string; roles: string[]; isAdmin: boolean };

/**
 * A member's roles read fresh through the bot token (never the user's own,
 * rate-limited token), stored in the role cache on the way, so the page they
 * load next agrees with what the action saw. Null: not in the server.
 */
export async function freshRoles(context: ActionContext, userId: string): Promise<string[] | null> {
  let roles: string[] | null;
  try {
    roles = await context.guild.getMemberRoles(userId);
  } catch (error) {
    if (error instanceof GuildUnavailableError) {
      const retryAfterSeconds = retryAfterSecondsOf(error.retryAfterMs);
      throw new ApiError("discord_unavailable", `We could not check roles with Discord just now, so nothing was changed. Please try again in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      });
    }
    if (error instanceof GuildRejectedError) throw new ApiError("discord_rejected", "Discord refused to show this member's roles.");
    throw error;
  }
  if (roles !== null) await context.roleCache.writeThrough(userId, roles);
  return roles;
}

export async function freshActor(context: ActionContext, user: SessionActor): Promise<Actor> {
  const roles = await freshRoles(context, user.id);
  if (roles === null) throw new ApiError("not_in_server", "Join the SAFA Discord server first, then try again.");
  await context.redis.hset(context.keys.userNames, user.id, user.name.slice(0, 100));
  return { id: user.id, name: user.name, roles, isAdmin: roles.includes(context.roleIds.tournamentAdmin) };
}

/** A user's roles once the action's steps for them are applied. */
export function rolesAfter(roles: readonly string[], steps: readonly Step[], userId: string, createdRoleId: string | null): string[] {
  const result = new Set(roles);
  for (const step of steps) {
    if (step.kind !== "add-role" && step.kind !== "remove-role") continue;
    if (step.userId !== userId) continue;
    const roleId = step.roleId === createdRole ? createdRoleId : step.roleId;
    if (roleId === null) continue;
    if (step.kind === "add-role") result.add(roleId);
    else result.delete(roleId);
  }
  return [...result];
}

/** Plans "this user should hold this role": a step only when it changes something, so its undo is exact. */
export function grant(roles: readonly string[], userId: string, roleId: string): Step[] {
  return roles.includes(roleId) ? [] : [{ kind: "add-role", userId, roleId }];
}

export function revoke(roles: readonly string[], userId: string, roleId: string): Step[] {
  return roles.includes(roleId) ? [{ kind: "remove-role", userId, roleId }] : [];
}
