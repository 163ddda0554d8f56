import "server-only";
import { z } from "zod";
import { auditJson } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/scripts";
import { teamAdoptScript } from "@/lib/redis/scripts/team-adopt";
import { isConfiguredRole, type TeamContext } from "./context";
import { GuildRejectedError, GuildUnavailableError } from "./guild-port";
import { normaliseTeamName } from "./input";
import { teamPolicy } from "./policy";

const guildRolesSchema = z.array(z.object({ id: z.string(), name: z.string() }));

/** The guild's roles, from a short-lived copy in Redis when there is one. */
async function guildRoles(context: TeamContext): Promise<{ id: string; name: string }[] | null> {
  const raw = await context.redis.get(context.keys.guildRoles);
  if (raw !== null) {
    try {
      const parsed = guildRolesSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through to Discord
    }
  }
  try {
    const roles = await context.guild.listRoles();
    await context.redis.set(context.keys.guildRoles, JSON.stringify(roles), "EX", teamPolicy.guildRolesCacheSeconds);
    return roles;
  } catch (error) {
    if (error instanceof GuildUnavailableError || error instanceof GuildRejectedError) return null;
    throw error;
  }
}

/** "Lagos Lions" -> "LL"; a one-word name gives its first letters. */
export function tagFromName(name: string): string {
  const letters = name.replace(/[^A-Za-z ]/g, "").trim();
  const initials = letters
    .split(/\s+/)
    .map((word) => word.charAt(0))
    .join("")
    .toUpperCase();
  const tag = initials.length >= 2 ? initials : letters.replace(/\s+/g, "").toUpperCase();
  return tag.length >= 2 ? tag.slice(0, 5) : "TM";
}

/**
 * Teams made on Discord before this app (the fixture's "Lagos Lions") have
 * no Redis record. When a holder of such a role opens their page, the team
 * is adopted from the role: its name is the role's, the holder joins its
 * roster, as manager if they hold the team manager role. Returns the team id,
 * or null when nothing could be adopted now (Discord busy, no team role).
 */
export async function adoptTeamFromRoles(context: TeamContext, user: { id: string; name: string }, roles: readonly string[]): Promise<string | null> {
  const candidates = roles.filter((roleId) => !isConfiguredRole(context, roleId));
  if (candidates.length === 0) return null;
  const known = await guildRoles(context);
  if (known === null) return null;
  const isManager = roles.includes(context.roleIds.teamManager);
  for (const roleId of candidates) {
    const role = known.find((entry) => entry.id === roleId);
    if (!role) continue;
    const name = role.name.slice(0, 100);
    const now = context.now();
    const entry = auditJson(
      { actorId: user.id, actorName: user.name, action: "team.adopt", teamId: roleId, teamName: name, targetId: user.id, detail: isManager ? "as manager" : "as player" },
      now,
    );
    const keys = context.keys;
    const reply = await runScript(
      context.redis,
      teamAdoptScript,
      [keys.team(roleId), keys.members(roleId), keys.teamIndex, keys.teamNames, keys.userTeam, keys.userRequests, keys.disbandedRoles, keys.audit],
      [roleId, name, normaliseTeamName(name), tagFromName(name), user.id, isManager ? "1" : "0", now, entry, teamPolicy.auditEntriesMax],
    );
    if (reply === "adopted" || reply === "unchanged") {
      await context.redis.hset(keys.userNames, user.id, user.name.slice(0, 100));
      context.log.info({ teamId: roleId, userId: user.id, reply }, "team adopted from its Discord role");
      return roleId;
    }
  }
  return null;
}
