import type { APIGuildMember, APIRole, APIUser, GuildMemberFlags, RoleFlags, UserFlags } from "discord-api-types/v10";
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

export type UserRecord = { id: string; username: string; globalName: string | null; synthetic: boolean };
type MemberRecord = { userId: string; roleIds: Set<string>; joinedAt: string };
type RoleRecord = Omit<APIRole, "position">;

export type RoleInput = { name: string; color: number; hoist: boolean; mentionable: boolean; permissions: string; managed?: { botId: string } };

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

/** Discord caps a guild at 250 roles. */
export const MAX_GUILD_ROLES = 250;

/** The in-memory Discord: users and the one guild they may belong to. */
export type Directory = ReturnType<typeof createDirectory>;

export function createDirectory(clock: Clock, events: GuildEvents = createGuildEvents()) {
  const users = new Map<string, UserRecord>();
  /** Lowest first: a role's index is its position, as Discord numbers them. */
  let roles: RoleRecord[] = [];
  const members = new Map<string, MemberRecord>();

  function reset(): void {
    users.clear();
    members.clear();
    roles = FIXTURE_ROLES.map((role) => toRoleRecord(role.id, role));
    for (const persona of PERSONAS) {
      users.set(persona.id, { id: persona.id, username: persona.username, globalName: persona.globalName, synthetic: false });
      if (persona.member) members.set(persona.id, { userId: persona.id, roleIds: new Set(persona.roles), joinedAt: FIXTURE_JOINED_AT });
    }
    // The bot is a member (so `GET /guilds/{guild}/members/{bot}` answers) but not a persona anyone logs in as.
    members.set(BOT_USER_ID, { userId: BOT_USER_ID, roleIds: new Set(BOT_MEMBER_ROLES), joinedAt: FIXTURE_JOINED_AT });
  }

  function findRole(roleId: string): RoleRecord | undefined {
    return roles.find((role) => role.id === roleId);
  }

  reset();
  return {
    reset,
    guildId: GUILD_ID,
    guildName: GUILD_NAME,
    hasGuild: (guildId: string) => guildId === GUILD_ID,
    findUser: (userId: string) => users.get(userId),
    findUserByName: (username: string) => [...users.values()].find((user) => user.username === username),
    listUsers: () => [...users.values()],
    isMember: (userId: string) => members.has(userId),
    memberCount: () => members.size,
    /** In join order, the bot included; the Gateway's op 8 pages through this. */
    listMemberIds: () => [...members.keys()],
    hasRole: (roleId: string) => findRole(roleId) !== undefined,
    isEveryoneRole: (roleId: string) => roleId === GUILD_ID,
    roleCount: () => roles.length,
    memberRoleIds(userId: string): string[] | undefined {
      const member = members.get(userId);
      return member ? [...member.roleIds] : undefined;
    },

    listRoles(): APIRole[] {
      return roles.map((role, position) => ({ ...role, position }));
    },

    /** Adding a role a member already has is a no-op, as on Discord (PUT is idempotent). */
    addMemberRole(userId: string, roleId: string): void {
      members.get(userId)?.roleIds.add(roleId);
    },

    removeMemberRole(userId: string, roleId: string): void {
      members.get(userId)?.roleIds.delete(roleId);
    },

    /** New roles sit just above `@everyone`, pushing the others up, as Discord places them. */
    createRole(input: RoleInput): APIRole {
      const role = toRoleRecord(mintSnowflake(clock(), FIRST_CREATED_ROLE_ID), input);
      roles.splice(1, 0, role);
      return { ...role, position: 1 };
    },

    deleteRole(roleId: string): void {
      roles = roles.filter((role) => role.id !== roleId);
      for (const member of members.values()) member.roleIds.delete(roleId);
    },

    /** Joining gives no roles, like accepting an invite. Joining twice changes nothing. */
    addMember(userId: string): void {
      if (!members.has(userId)) members.set(userId, { userId, roleIds: new Set(), joinedAt: discordTimestamp(clock()) });
    },

    createUser(input: { username: string; roles: readonly string[]; member: boolean }): UserRecord {
      const user: UserRecord = { id: mintSnowflake(clock(), FIRST_SYNTHETIC_USER_ID), username: input.username, globalName: null, synthetic: true };
      users.set(user.id, user);
      if (input.member) members.set(user.id, { userId: user.id, roleIds: new Set(input.roles), joinedAt: discordTimestamp(clock()) });
      return user;
    },

    toApiMember(userId: string): APIGuildMember | undefined {
      const member = members.get(userId);
      const user = userId === BOT_USER_ID ? BOT_USER : users.get(userId);
      if (!member || !user) return undefined;
      return {
        user: userId === BOT_USER_ID ? toApiBotUser() : toApiUser(user),
        nick: null,
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
    },
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
    avatar: null,
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

const BOT_USER: UserRecord = { id: BOT_USER_ID, username: BOT_USERNAME, globalName: null, synthetic: false };

export function toApiBotUser(): APIUser {
  return { ...toApiUser(BOT_USER), bot: true };
}

/** Discord writes timestamps with microseconds and an explicit offset. */
function discordTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000+00:00");
}
