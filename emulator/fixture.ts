/**
 * The SAFA guild as the emulator starts it and as `POST /__emulator/reset` restores it.
 * The snowflakes are the ones in .env.example; change them together or not at all.
 */

export const GUILD_ID = "1100000000000000001";
export const GUILD_NAME = "SAFA";
/** The code in .env.example's DISCORD_INVITE_URL (`<emulator>/invite/safa`). */
export const INVITE_CODE = "safa";
export const BOT_USER_ID = "1300000000000000001";
export const BOT_USERNAME = "SAFA Bot";

export const ROLE_IDS = {
  updatedProfile: "1100000000000000101",
  freeAgent: "1100000000000000102",
  player: "1100000000000000103",
  teamManager: "1100000000000000104",
  tournamentAdmin: "1100000000000000105",
  lagosLions: "1100000000000000201",
  moderator: "1100000000000000106",
  bot: "1100000000000000107",
} as const;

/**
 * The guild's text channels the product posts in. `transactions` is where
 * every applied roster change is announced (.env.example's
 * DISCORD_TRANSACTIONS_CHANNEL_ID).
 */
export const CHANNEL_IDS = {
  transactions: "1100000000000000301",
} as const;

export type FixtureChannel = { id: string; name: string };

export const FIXTURE_CHANNELS: readonly FixtureChannel[] = [{ id: CHANNEL_IDS.transactions, name: "transactions" }];

/**
 * `managed`: Discord made the role for an integration (here the bot's own
 * role, tagged with its id); nobody can give or take it.
 */
export type FixtureRole = {
  id: string;
  name: string;
  color: number;
  hoist: boolean;
  mentionable: boolean;
  permissions: string;
  managed?: { botId: string };
};

/** Discord's `@everyone` role always exists and has the guild's id. */
export const EVERYONE_PERMISSIONS = "2248473465835073";

/** Discord's permission bits the fixture uses (a decimal string on the wire). */
const ADMINISTRATOR = 1n << 3n;
const MANAGE_ROLES = 1n << 28n;

/**
 * Lowest first: the array index is the role's position. The bot's role sits
 * on top, above every role it hands out, as the README's setup asks; a
 * moderator role with the Administrator permission sits just below it, the
 * kind of role the bot must never treat as a team's.
 */
export const FIXTURE_ROLES: readonly FixtureRole[] = [
  { id: GUILD_ID, name: "@everyone", color: 0, hoist: false, mentionable: false, permissions: EVERYONE_PERMISSIONS },
  { id: ROLE_IDS.updatedProfile, name: "updated-profile", color: 0, hoist: false, mentionable: false, permissions: "0" },
  { id: ROLE_IDS.freeAgent, name: "free-agent", color: 0x2e_cc_71, hoist: true, mentionable: true, permissions: "0" },
  { id: ROLE_IDS.player, name: "player", color: 0x34_98_db, hoist: true, mentionable: true, permissions: "0" },
  { id: ROLE_IDS.lagosLions, name: "Lagos Lions", color: 0xe6_7e_22, hoist: false, mentionable: true, permissions: "0" },
  { id: ROLE_IDS.teamManager, name: "team manager", color: 0x9b_59_b6, hoist: true, mentionable: true, permissions: "0" },
  { id: ROLE_IDS.tournamentAdmin, name: "tournament admin", color: 0xe7_4c_3c, hoist: true, mentionable: true, permissions: "0" },
  { id: ROLE_IDS.moderator, name: "Moderator", color: 0xf1_c4_0f, hoist: true, mentionable: false, permissions: String(ADMINISTRATOR) },
  { id: ROLE_IDS.bot, name: "SAFA Bot", color: 0, hoist: false, mentionable: false, permissions: String(MANAGE_ROLES), managed: { botId: BOT_USER_ID } },
];

/** The bot is a member of the guild too, holding its own managed role, as an invited bot does. */
export const BOT_MEMBER_ROLES: readonly string[] = [ROLE_IDS.bot];

/**
 * `member: false` means the user exists on Discord but never joined the
 * guild. `avatar` is the avatar's hash (the emulator's CDN draws the image
 * from it, cdn.ts); null shows Discord's default avatar, as for a user who
 * never set one. One hash starts `a_`, Discord's mark of an animated avatar.
 */
export type FixturePersona = { id: string; username: string; globalName: string; avatar: string | null; member: boolean; roles: readonly string[] };

export const PERSONAS: readonly FixturePersona[] = [
  { id: "1200000000000000001", username: "outsider", globalName: "Outsider", avatar: null, member: false, roles: [] },
  { id: "1200000000000000002", username: "newcomer", globalName: "Newcomer", avatar: null, member: true, roles: [] },
  {
    id: "1200000000000000003",
    username: "freeagent",
    globalName: "Free Agent",
    avatar: "3f9a1c27e4b85d6002a7c9e1f4b3d8a5",
    member: true,
    roles: [ROLE_IDS.updatedProfile, ROLE_IDS.freeAgent],
  },
  {
    id: "1200000000000000004",
    username: "manager",
    globalName: "Manager",
    avatar: "8c2e5b9d1a7f4e3c6b0d9a2f5e8c1b74",
    member: true,
    roles: [ROLE_IDS.updatedProfile, ROLE_IDS.teamManager, ROLE_IDS.lagosLions, ROLE_IDS.moderator],
  },
  {
    id: "1200000000000000005",
    username: "player",
    globalName: "Player",
    avatar: "d41b7e2a9c5f8036e1b4a7d2c9f5e803",
    member: true,
    roles: [ROLE_IDS.updatedProfile, ROLE_IDS.player, ROLE_IDS.lagosLions],
  },
  {
    id: "1200000000000000006",
    username: "admin",
    globalName: "Admin",
    avatar: "a_5e8d2c7b1f4a9e3d6c0b8f2a5d7e1c96",
    member: true,
    roles: [ROLE_IDS.updatedProfile, ROLE_IDS.tournamentAdmin, ROLE_IDS.freeAgent],
  },
  {
    id: "1200000000000000007",
    username: "freeagent2",
    globalName: "Free Agent 2",
    avatar: "6b3f9e1d4a8c2f7b5e0d3a9c6f1b4e82",
    member: true,
    roles: [ROLE_IDS.updatedProfile, ROLE_IDS.freeAgent],
  },
  {
    id: "1200000000000000008",
    username: "freeagent3",
    globalName: "Free Agent 3",
    avatar: null,
    member: true,
    roles: [ROLE_IDS.updatedProfile, ROLE_IDS.freeAgent],
  },
];

/** A fixed join date keeps fixture answers identical from run to run. */
export const FIXTURE_JOINED_AT = "2025-01-15T12:00:00.000000+00:00";

/** Synthetic users and new roles get snowflakes from the clock (state.ts), never below these, far from the fixture's. */
export const FIRST_SYNTHETIC_USER_ID = 1_200_000_000_000_100_000n;
export const FIRST_CREATED_ROLE_ID = 1_100_000_000_000_100_000n;
