import "server-only";
import { z } from "zod";
import type { GuildSnapshot } from "../team-role";
import type { FollowContext } from "./context";

const snapshotSchema = z.object({ member: z.boolean(), roles: z.array(z.string()) });
const roleSchema = z.object({ id: z.string(), name: z.string(), permissions: z.string(), position: z.number(), managed: z.boolean() });

/** A member's roles as the mirror holds them; null when the mirror does not list them (not in the server). */
export async function mirroredRoles(context: FollowContext, userId: string): Promise<string[] | null> {
  const raw = await context.redis.hget(context.mirrorKeys.members, userId);
  return raw === null ? null : parseRoles(raw);
}

/** Some members' roles, in one read; those the mirror does not list hold none. */
export async function mirroredRolesOf(context: FollowContext, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (userIds.length === 0) return found;
  const raw = await context.redis.hmget(context.mirrorKeys.members, ...userIds);
  userIds.forEach((userId, index) => {
    const value = raw[index];
    found.set(userId, (typeof value === "string" ? parseRoles(value) : null) ?? []);
  });
  return found;
}

/** Every mirrored member's roles, in one read (for the reconciliation after a resync). */
export async function allMirroredRoles(context: FollowContext): Promise<Map<string, string[]>> {
  const raw = await context.redis.hgetall(context.mirrorKeys.members);
  const members = new Map<string, string[]>();
  for (const [userId, value] of Object.entries(raw)) {
    const roles = parseRoles(value);
    if (roles !== null) members.set(userId, roles);
  }
  return members;
}

function parseRoles(raw: string): string[] | null {
  const parsed = snapshotSchema.safeParse(safeJson(raw));
  return parsed.success && parsed.data.member ? parsed.data.roles : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * The guild's roles and the bot's highest position, from the mirror, in the
 * shape the team-role checks judge. The bot's position is unknown until a
 * READY named the bot: the position check is then left to the dashboard's
 * own actions, which judge it from Discord before handing a role out; the
 * checks that keep a role granting anything from ever being a team's
 * (permissions, integration, the dashboard's own roles) always apply.
 */
export async function mirroredGuild(context: FollowContext): Promise<GuildSnapshot> {
  const [rawRoles, botUserId] = await Promise.all([context.redis.hvals(context.mirrorKeys.roles), context.redis.get(context.botUserKey)]);
  const roles = rawRoles.flatMap((raw) => {
    const parsed = roleSchema.safeParse(safeJson(raw));
    return parsed.success ? [parsed.data] : [];
  });
  const botRoles = botUserId === null ? null : await mirroredRoles(context, botUserId);
  const held = new Set(botRoles ?? []);
  const botTopPosition = botRoles === null ? Number.MAX_SAFE_INTEGER : Math.max(0, ...roles.filter((role) => held.has(role.id)).map((role) => role.position));
  return { roles, botTopPosition };
}
