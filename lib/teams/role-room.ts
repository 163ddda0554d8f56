import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { TeamContext } from "./context";
import { teamPolicy } from "./policy";
import { guildReadFailure, readGuildSnapshot, type GuildSnapshot } from "./team-role";

/** How many of Discord's roles the server uses, and how many are left. */
export type RoleRoom = { used: number; max: number; left: number };

export function roleRoom(snapshot: GuildSnapshot): RoleRoom {
  const used = snapshot.roles.length;
  return { used, max: teamPolicy.guildRolesMax, left: Math.max(0, teamPolicy.guildRolesMax - used) };
}

/** Whether a new team role fits, keeping `guildRolesKeptFree` roles for the server's own use. */
export function hasRoomForTeam(room: RoleRoom): boolean {
  return room.left > teamPolicy.guildRolesKeptFree;
}

const noRoomMessage = `The SAFA Discord server has no room for another team: Discord allows ${teamPolicy.guildRolesMax} roles and each team is one. Ask a tournament admin to disband an old team or delete unused roles.`;

/**
 * Refuses to start a team when the server is at (or near) Discord's role
 * cap, before anything is changed, rather than letting Discord refuse the
 * new role half-way. `fresh` reads the role list from Discord, not the
 * short-lived copy.
 */
export async function requireRoleRoom(context: TeamContext, options: { fresh: boolean } = { fresh: false }): Promise<void> {
  const snapshot = await readGuildSnapshot(context, options).catch((error: unknown) => {
    throw guildReadFailure(error);
  });
  if (!hasRoomForTeam(roleRoom(snapshot))) throw new ApiError("role_cap", noRoomMessage);
}
