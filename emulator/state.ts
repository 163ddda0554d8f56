import { createHash } from "node:crypto";
import { GatewayDispatchEvents, type APIGuildMember, type APIRole, type APIUser, type GuildMemberFlags, type RoleFlags, type UserFlags } from "discord-api-types/v10";
import {
  BOT_MEMBER_ROLES,
  BOT_USER_ID,
  BOT_USERNAME,
  FIRST_CREATED_ROLE_ID,
  FIRST_SYNTHETIC_USER_ID,
  FIXTURE_JOINED_AT,
  FIXTURE_ROLES,
  GUILD_ID,
  GUILD_NAME,
  PERSONAS,
} from "./fixture";
import { createGuildEvents, type GuildEvents } from "./guild-events";
import type { Clock } from "./rate-limiter";

/** Discord sends 0 for "no flags"; the flag enums have no member for it. */
const NO_MEMBER_FLAGS = 0 as GuildMemberFlags;
const NO_ROLE_FLAGS = 0 as RoleFlags;
const NO_USER_FLAGS = 0 as UserFlags;

/** `avatar`: the avatar's hash, as Discord names it (the CDN serves the image under it); null for Discord's default avatar. */
export type UserRecord = { id: string; username: string; globalName: string | null; avatar: string | null; synthetic: boolean };
type MemberRecord = { userId: string; roleIds: Set<string>; joinedAt: string; nick: string | null };
type RoleRecord = Omit<APIRole, "position">;

export type RoleInput = { name: string; color: number; hoist: boolean; mentionable: boolean; permissions: string; managed?: { botId: string } };

/** The fields of a role anyone with the right may edit; `position` counts from `@everyone` (0). */
export type RoleChanges = Partial<Pick<RoleInput, "name" | "color" | "hoist" | "mentionable" | "permissions">> & { position?: number };

/** A change to a member's roles as one request makes it: Discord sends one GUILD_MEMBER_UPDATE for it. */
export type MemberRoleChanges = { add?: readonly string[]; remove?: readonly string[]; set?: readonly string[] };

/** Discord's epoch (2015-01-01), where a snowflake's timestamp counts from. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** The last id this process handed out; kept across resets, so no id is ever handed out twice. */
let lastMinted = 0n;

/**
 * A new user's or role's id, minted as Discord mints snowflakes: the time
 * since Discord's epoch in the high bits, so ids grow with time and never
 * repeat, not after a reset nor in a restarted emulator. A Redis that
 * outlives the emulator (the e2e stack keeps its data) must never see an old
 * team's or user's id handed to a new one. `floor` keeps the ids clear of
 * the fixture's when the clock is a test's.
 */
function mintSnowflake(now: number, floor: bigint): string {
  const fromTime = (BigInt(Math.floor(now)) - DISCORD_EPOCH_MS) << 22n;
  let id = fromTime > lastMinted ? fromTime : lastMinted + 1n;
  if (id < floor) id = floor;
  lastMinted = id;
  return String(id);
}

/** A member as REST and the Gateway send it: every field present, as GUILD_MEMBER_UPDATE requires. */
export type MemberPayload = APIGuildMember & Required<Pick<APIGuildMember, "avatar" | "banner">>;

/** Discord caps a guild at 250 roles. */
export const MAX_GUILD_ROLES = 250;

/** The in-memory Discord: users and the one guild they may belong to. */
export type Directory = ReturnType<typeof createDirectory>;

/**
 * Every change publishes the Gateway event Discord sends for it, after the
 * change, in order; a change that changes nothing publishes nothing, and
 * `reset()` publishes nothing (the bus announces resets on its own).
 *
 * What Discord sends, and so what this sends:
 * - Deleting a role: GUILD_ROLE_DELETE only. Discord strips the role from its
 *   holders without a GUILD_MEMBER_UPDATE each; a client drops the id itself.
 * - Creating a role: GUILD_ROLE_CREATE only, at position 1. Discord does not
 *   move the other roles (several may share a position, the older id ranking
 *   higher), so it sends no GUILD_ROLE_UPDATE for them; this directory numbers
 *   REST answers 0..n-1, which keeps the same order.
 * - Moving a role: GUILD_ROLE_UPDATE for every role whose position changed,
 *   as Discord does when roles are reordered.
 */
export function createDirectory(clock: Clock, events: GuildEvents = createGuildEvents()) {
  const users = new Map<string, UserRecord>();
  const usersByName = new Map<string, UserRecord>();
  /** Lowest first: a role's index is its position, as Discord numbers them. */
  let roles: RoleRecord[] = [];
  const members = new Map<string, MemberRecord>();
  /** Where bulk usernames continue, so names stay unique without a scan. */
  let nextBulkSuffix = 1;

  function addUser(user: UserRecord): void {
    users.set(user.id, user);
    usersByName.set(user.username, user);
  }

  function reset(): void {
    users.clear();
    usersByName.clear();
    members.clear();
    nextBulkSuffix = 1;
    roles = FIXTURE_ROLES.map((role) => toRoleRecord(role.id, role));
    for (const persona of PERSONAS) {
      addUser({ id: persona.id, username: persona.username, globalName: persona.globalName, avatar: persona.avatar, synthetic: false });
      if (persona.member) members.set(persona.id, { userId: persona.id, roleIds: new Set(persona.roles), joinedAt: FIXTURE_JOINED_AT, nick: null });
    }
    // The bot is a member (so `GET /guilds/{guild}/members/{bot}` answers) but not a persona anyone logs in as.
    members.set(BOT_USER_ID, { userId: BOT_USER_ID, roleIds: new Set(BOT_MEMBER_ROLES), joinedAt: FIXTURE_JOINED_AT, nick: null });
  }

  function findRole(roleId: string): RoleRecord | undefined {
    return roles.find((role) => role.id === roleId);
  }

  function positionOf(roleId: string): number {
    return roles.findIndex((role) => role.id === roleId);
  }

  function toApiMember(userId: string): MemberPayload | undefined {
    const member = members.get(userId);
    const user = userId === BOT_USER_ID ? BOT_USER : users.get(userId);
    if (!member || !user) return undefined;
    return {
      user: userId === BOT_USER_ID ? toApiBotUser() : toApiUser(user),
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: [...member.roleIds],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: NO_MEMBER_FLAGS,
      pending: false,
      communication_disabled_until: null,
    };
  }

  /** GUILD_MEMBER_ADD and GUILD_MEMBER_UPDATE both carry the whole member and the guild id. */
  function memberDispatchData(userId: string): (MemberPayload & { guild_id: string }) | undefined {
    const member = toApiMember(userId);
    return member && { ...member, guild_id: GUILD_ID };
  }

  function publishMemberUpdate(userId: string): void {
    const d = memberDispatchData(userId);
    if (d) events.publish({ t: GatewayDispatchEvents.GuildMemberUpdate, d });
  }

  function publishRoleUpdate(role: RoleRecord): void {
    events.publish({ t: GatewayDispatchEvents.GuildRoleUpdate, d: { guild_id: GUILD_ID, role: { ...role, position: positionOf(role.id) } } });
  }

  function createMember(userId: string, roleIds: Iterable<string>): void {
    members.set(userId, { userId, roleIds: new Set(roleIds), joinedAt: discordTimestamp(clock()), nick: null });
    const d = memberDispatchData(userId);
    if (d) events.publish({ t: GatewayDispatchEvents.GuildMemberAdd, d });
  }

  function newUser(username: string): UserRecord {
    const id = mintSnowflake(clock(), FIRST_SYNTHETIC_USER_ID);
    const user: UserRecord = { id, username, globalName: null, avatar: syntheticAvatarHash(id), synthetic: true };
    addUser(user);
    return user;
  }

  /** Moves a role to `position` (clamped above `@everyone`); answers every role whose position changed, lowest first. */
  function moveRole(role: RoleRecord, position: number): RoleRecord[] {
    const before = roles.map((entry) => entry.id);
    const target = Math.min(Math.max(1, position), roles.length - 1);
    roles = roles.filter((entry) => entry !== role);
    roles.splice(target, 0, role);
    return roles.filter((entry, index) => before[index] !== entry.id);
  }

  reset();
  return {
    reset,
    guildId: GUILD_ID,
    guildName: GUILD_NAME,
    hasGuild: (guildId: string) => guildId === GUILD_ID,
    findUser: (userId: string) => users.get(userId),
    findUserByName: (username: string) => usersByName.get(username),
    listUsers: () => [...users.values()],
    isMember: (userId: string) => members.has(userId),
    memberCount: () => members.size,
    /** In join order, the bot included; the Gateway's op 8 pages through this. */
    listMemberIds: () => [...members.keys()],
    hasRole: (roleId: string) => findRole(roleId) !== undefined,
    isEveryoneRole: (roleId: string) => roleId === GUILD_ID,
    roleCount: () => roles.length,
    /** The role as REST answers it, or undefined. */
    getRole(roleId: string): APIRole | undefined {
      const position = positionOf(roleId);
      const role = roles[position];
      return role ? { ...role, position } : undefined;
    },
    /** -1 for a role that does not exist. */
    rolePosition: positionOf,
    memberRoleIds(userId: string): string[] | undefined {
      const member = members.get(userId);
      return member ? [...member.roleIds] : undefined;
    },

    listRoles(): APIRole[] {
      return roles.map((role, position) => ({ ...role, position }));
    },

    /** Adding a role a member already has is a no-op, as on Discord (PUT is idempotent), and tells no one. */
    addMemberRole(userId: string, roleId: string): void {
      const member = members.get(userId);
      if (!member || member.roleIds.has(roleId)) return;
      member.roleIds.add(roleId);
      publishMemberUpdate(userId);
    },

    removeMemberRole(userId: string, roleId: string): void {
      if (!members.get(userId)?.roleIds.delete(roleId)) return;
      publishMemberUpdate(userId);
    },

    /** Several role changes to one member at once (`set` first, then `add`, then `remove`): one update, if anything changed. */
    changeMemberRoles(userId: string, changes: MemberRoleChanges): boolean {
      const member = members.get(userId);
      if (!member) return false;
      const next = new Set(changes.set ?? member.roleIds);
      for (const roleId of changes.add ?? []) next.add(roleId);
      for (const roleId of changes.remove ?? []) next.delete(roleId);
      const same = next.size === member.roleIds.size && [...next].every((roleId) => member.roleIds.has(roleId));
      if (same) return false;
      member.roleIds = next;
      publishMemberUpdate(userId);
      return true;
    },

    /** `null` clears the nickname. */
    setNick(userId: string, nick: string | null): boolean {
      const member = members.get(userId);
      if (!member || member.nick === nick) return false;
      member.nick = nick;
      publishMemberUpdate(userId);
      return true;
    },

    /** New roles sit just above `@everyone`, as Discord places them. */
    createRole(input: RoleInput): APIRole {
      const role = toRoleRecord(mintSnowflake(clock(), FIRST_CREATED_ROLE_ID), input);
      roles.splice(1, 0, role);
      events.publish({ t: GatewayDispatchEvents.GuildRoleCreate, d: { guild_id: GUILD_ID, role: { ...role, position: 1 } } });
      return { ...role, position: 1 };
    },

    /** Edits a role in place; a new `position` moves it and tells of every role that moved. */
    updateRole(roleId: string, changes: RoleChanges): APIRole | undefined {
      const role = findRole(roleId);
      if (!role) return undefined;
      const { position, ...fields } = changes;
      const edited = Object.entries(fields).some(([key, value]) => value !== undefined && role[key as keyof typeof fields] !== value);
      Object.assign(role, Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
      if (fields.color !== undefined) role.colors = { ...role.colors, primary_color: fields.color };
      const moved = position === undefined ? [] : moveRole(role, position);
      if (edited && !moved.includes(role)) publishRoleUpdate(role);
      for (const entry of moved) publishRoleUpdate(entry);
      return { ...role, position: positionOf(roleId) };
    },

    deleteRole(roleId: string): void {
      if (!findRole(roleId)) return;
      roles = roles.filter((role) => role.id !== roleId);
      for (const member of members.values()) member.roleIds.delete(roleId);
      events.publish({ t: GatewayDispatchEvents.GuildRoleDelete, d: { guild_id: GUILD_ID, role_id: roleId } });
    },

    /** Joining gives no roles, like accepting an invite. Joining twice changes nothing. */
    addMember(userId: string): boolean {
      if (members.has(userId) || !users.has(userId)) return false;
      createMember(userId, []);
      return true;
    },

    /** Leaving (or being kicked) ends the membership; the user still exists. */
    removeMember(userId: string): boolean {
      const user = users.get(userId);
      if (!user || !members.delete(userId)) return false;
      events.publish({ t: GatewayDispatchEvents.GuildMemberRemove, d: { guild_id: GUILD_ID, user: toApiUser(user) } });
      return true;
    },

    createUser(input: { username: string; roles: readonly string[]; member: boolean }): UserRecord {
      const user = newUser(input.username);
      if (input.member) createMember(user.id, input.roles);
      return user;
    },

    /**
     * `count` synthetic members named `<prefix><n>` with `roleIds`, in one pass:
     * no lookup grows with the guild, so 50,000 take well under a second.
     */
    createMembers(count: number, roleIds: readonly string[], usernamePrefix: string): UserRecord[] {
      const created: UserRecord[] = [];
      for (let index = 0; index < count; index += 1) {
        while (usersByName.has(`${usernamePrefix}${nextBulkSuffix}`)) nextBulkSuffix += 1;
        const user = newUser(`${usernamePrefix}${nextBulkSuffix}`);
        nextBulkSuffix += 1;
        createMember(user.id, roleIds);
        created.push(user);
      }
      return created;
    },

    toApiMember,
  };
}

function toRoleRecord(id: string, input: RoleInput): RoleRecord {
  return {
    id,
    name: input.name,
    color: input.color,
    colors: { primary_color: input.color, secondary_color: null, tertiary_color: null },
    hoist: input.hoist,
    icon: null,
    unicode_emoji: null,
    permissions: input.permissions,
    managed: input.managed !== undefined,
    mentionable: input.mentionable,
    flags: NO_ROLE_FLAGS,
    ...(input.managed ? { tags: { bot_id: input.managed.botId } } : {}),
  };
}

/** `email` is only present when the token carries the `email` scope, as on Discord. */
export function toApiUser(user: UserRecord, options: { withEmail?: boolean } = {}): APIUser {
  const apiUser: APIUser = {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    avatar: user.avatar,
    discriminator: "0",
    public_flags: NO_USER_FLAGS,
    flags: NO_USER_FLAGS,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    primary_guild: null,
  };
  if (options.withEmail) return { ...apiUser, email: `${user.username}@users.emulator.test`, verified: true };
  return apiUser;
}

const BOT_USER: UserRecord = { id: BOT_USER_ID, username: BOT_USERNAME, globalName: null, avatar: null, synthetic: false };

/** Every synthetic user has an avatar: a hash of 32 hex digits, as Discord's, derived from the id so it is the same on every run. */
function syntheticAvatarHash(userId: string): string {
  return createHash("sha256").update(`avatar:${userId}`).digest("hex").slice(0, 32);
}

export function toApiBotUser(): APIUser {
  return { ...toApiUser(BOT_USER), bot: true };
}

/** Discord writes timestamps with microseconds and an explicit offset. */
function discordTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000+00:00");
}
