import {
  GatewayDispatchEvents,
  GatewayOpcodes,
  type APIGuildMember,
  type APIRole,
  type GatewayDispatchPayload,
  type GatewayGuildMemberAddDispatch,
  type GatewayGuildMemberRemoveDispatch,
  type GatewayGuildMembersChunkDispatch,
  type GatewayGuildMemberUpdateDispatch,
  type GatewayGuildRoleDeleteDispatch,
  type GatewayGuildRoleModifyDispatch,
  type GatewayRateLimitedDispatch,
  type GuildMemberFlags,
  type RoleFlags,
} from "discord-api-types/v10";

/**
 * Synthetic Gateway dispatches, typed with discord-api-types, as Discord
 * sends them: the mirror is tested on the shapes the library hands it.
 */
export const testGuildId = "1100000000000000001";

export function member(userId: string, roles: string[], nick: string | null = null): APIGuildMember {
  return {
    user: { id: userId, username: `user${userId.slice(-4)}`, discriminator: "0", global_name: null, avatar: null },
    roles,
    nick,
    joined_at: "2026-01-02T03:04:05.000Z",
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
  };
}

export function role(id: string, name: string, position = 1): APIRole {
  return { id, name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, position, permissions: "0", managed: false, mentionable: false, flags: 0 as RoleFlags };
}

export function memberAdd(s: number, userId: string, roles: string[], guildId = testGuildId): GatewayGuildMemberAddDispatch {
  return { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildMemberAdd, s, d: { ...member(userId, roles), guild_id: guildId } };
}

export function memberUpdate(s: number, userId: string, roles: string[], nick: string | null = null, guildId = testGuildId): GatewayGuildMemberUpdateDispatch {
  const { user, joined_at } = member(userId, roles, nick);
  return { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildMemberUpdate, s, d: { guild_id: guildId, user, roles, nick, joined_at, avatar: null, banner: null, flags: 0 as GuildMemberFlags } };
}

export function memberRemove(s: number, userId: string, guildId = testGuildId): GatewayGuildMemberRemoveDispatch {
  return { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildMemberRemove, s, d: { guild_id: guildId, user: member(userId, []).user } };
}

export function roleCreate(s: number, created: APIRole, guildId = testGuildId): GatewayGuildRoleModifyDispatch {
  return { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildRoleCreate, s, d: { guild_id: guildId, role: created } };
}

export function roleUpdate(s: number, updated: APIRole, guildId = testGuildId): GatewayGuildRoleModifyDispatch {
  return { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildRoleUpdate, s, d: { guild_id: guildId, role: updated } };
}

export function roleDelete(s: number, roleId: string, guildId = testGuildId): GatewayGuildRoleDeleteDispatch {
  return { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildRoleDelete, s, d: { guild_id: guildId, role_id: roleId } };
}

export function membersChunk(s: number, members: APIGuildMember[], index: number, count: number, nonce?: string, guildId = testGuildId): GatewayGuildMembersChunkDispatch {
  return {
    op: GatewayOpcodes.Dispatch,
    t: GatewayDispatchEvents.GuildMembersChunk,
    s,
    d: { guild_id: guildId, members, chunk_index: index, chunk_count: count, ...(nonce === undefined ? {} : { nonce }) },
  };
}

export function membersRateLimited(s: number, nonce: string, retryAfterSeconds: number, guildId = testGuildId): GatewayRateLimitedDispatch {
  return {
    op: GatewayOpcodes.Dispatch,
    t: GatewayDispatchEvents.RateLimited,
    s,
    d: { opcode: GatewayOpcodes.RequestGuildMembers, retry_after: retryAfterSeconds, meta: { guild_id: guildId, nonce } },
  };
}

/** A dispatch the mirror does not use (it still moves the sequence). */
export function typingStart(s: number): GatewayDispatchPayload {
  return { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.TypingStart, s, d: { channel_id: "1", user_id: "2", timestamp: 0 } };
}
