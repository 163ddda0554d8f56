/**
 * READY and GUILD_CREATE as Discord builds them for this bot: one guild, its roles, and
 * `members` as Discord fills it (not the member list: that comes from op 8).
 */
import {
  GatewayIntentBits,
  GatewayVersion,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  type GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  ApplicationFlags,
  type APIGuildMember,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
} from "discord-api-types/v10";
import { BOT_USER_ID, PERSONAS } from "../fixture";
import { toApiBotUser, type Directory } from "../state";
import { hasIntent } from "./protocol";

/** The fixture's `admin` persona stands in as the guild's owner. */
const OWNER_ID = PERSONAS.find((persona) => persona.username === "admin")?.id ?? BOT_USER_ID;
const NO_SYSTEM_CHANNEL_FLAGS = 0 as GuildSystemChannelFlags;

export function readyData(input: {
  directory: Directory;
  sessionId: string;
  resumeGatewayUrl: string;
  applicationId: string;
  privilegedIntents: { guildMembersIntent: boolean; guildPresencesIntent: boolean };
}): GatewayReadyDispatchData {
  // An application in under 100 guilds that switched an intent on carries the "limited" flag for it.
  const { guildMembersIntent, guildPresencesIntent } = input.privilegedIntents;
  const flags = ((guildMembersIntent ? ApplicationFlags.GatewayGuildMembersLimited : 0) | (guildPresencesIntent ? ApplicationFlags.GatewayPresenceLimited : 0)) as ApplicationFlags;
  return {
    v: Number(GatewayVersion),
    user: toApiBotUser(),
    guilds: [{ id: input.directory.guildId, unavailable: true }],
    session_id: input.sessionId,
    resume_gateway_url: input.resumeGatewayUrl,
    shard: [0, 1],
    application: { id: input.applicationId, flags, flags_new: String(flags) },
  };
}

/** Over this many members Discord sends only the bot (and members in voice), whatever the intents. */
const HUGE_GUILD_MEMBERS = 75_000;

/**
 * `members` as Discord documents it: without GUILD_PRESENCES, or past 75k members, only the bot
 * (and members in voice, of which there are none here); with it, everyone below
 * `large_threshold`, and above it those online (nobody: presences are not imitated), with a
 * role, or with a nickname.
 */
function initialMembers(directory: Directory, session: { intents: number }, large: boolean): APIGuildMember[] {
  const self = directory.toApiMember(BOT_USER_ID);
  const selfOnly = self ? [self] : [];
  if (!hasIntent(session.intents, GatewayIntentBits.GuildPresences) || directory.memberCount() > HUGE_GUILD_MEMBERS) return selfOnly;
  const everyone = directory.listMemberIds().flatMap((id) => directory.toApiMember(id) ?? []);
  return large ? everyone.filter((member) => member.user.id === BOT_USER_ID || member.roles.length > 0 || Boolean(member.nick)) : everyone;
}

export function guildCreateData(directory: Directory, session: { intents: number; largeThreshold: number }): GatewayGuildCreateDispatchData {
  const memberCount = directory.memberCount();
  const large = memberCount > session.largeThreshold;
  const members = initialMembers(directory, session, large);
  return {
    id: directory.guildId,
    name: directory.guildName,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: OWNER_ID,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: directory.listRoles(),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: NO_SYSTEM_CHANNEL_FLAGS,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    incidents_data: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    joined_at: directory.toApiMember(BOT_USER_ID)?.joined_at ?? new Date(0).toISOString(),
    large,
    unavailable: false,
    member_count: memberCount,
    voice_states: [],
    members,
    channels: [],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
