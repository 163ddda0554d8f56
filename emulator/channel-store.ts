import { MessageType, type APIMessage } from "discord-api-types/v10";
import { BOT_USER_ID, FIXTURE_CHANNELS } from "./fixture";
import type { Clock } from "./rate-limiter";
import { toApiBotUser, toApiUser, type Directory } from "./state";

/**
 * Discord answers a retried post with the message it already made when the
 * same author sent the same nonce "within the past few minutes" (the docs give
 * no number); five minutes here.
 */
export const NONCE_WINDOW_MS = 300_000;

/** Discord's epoch (2015-01-01), where a snowflake's timestamp counts from. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** Who a message notifies, as `allowed_mentions` decides (Discord's default: everyone it mentions). */
export type AllowedMentions = { parse?: readonly string[]; users?: readonly string[]; roles?: readonly string[] };

export type NewMessage = { content: string; nonce: string | number | null; enforceNonce: boolean; allowedMentions: AllowedMentions | null };

/** A stored message and the users it pinged, which Discord shows only to them (tests read it through the control API). */
export type StoredMessage = { message: APIMessage; pingedUserIds: string[] };

type Channel = { id: string; name: string; messages: StoredMessage[]; canSend: boolean };

export type ChannelStore = ReturnType<typeof createChannelStore>;

const USER_MENTION = /<@!?(\d{17,20})>/g;
const ROLE_MENTION = /<@&(\d{17,20})>/g;

/** Discord writes timestamps with microseconds and an explicit offset. */
function discordTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000+00:00");
}

function mentionedIds(content: string, pattern: RegExp): string[] {
  return [...new Set([...content.matchAll(pattern)].map((match) => match[1] ?? ""))];
}

/** The users a message notifies: those it mentions, narrowed by `allowed_mentions` as Discord applies it. */
function pingedUsers(mentioned: readonly string[], allowed: AllowedMentions | null): string[] {
  if (allowed === null) return [...mentioned];
  if (allowed.parse?.includes("users")) return [...mentioned];
  const listed = new Set(allowed.users ?? []);
  return mentioned.filter((userId) => listed.has(userId));
}

/**
 * The guild's text channels and their messages, in memory. Message ids are
 * snowflakes minted from the clock, so they sort by time as Discord's do.
 */
export function createChannelStore(clock: Clock, directory: Directory) {
  const channels = new Map<string, Channel>();
  let lastMinted = 0n;

  function mintId(now: number): string {
    const fromTime = (BigInt(Math.floor(now)) - DISCORD_EPOCH_MS) << 22n;
    lastMinted = fromTime > lastMinted ? fromTime : lastMinted + 1n;
    return String(lastMinted);
  }

  function reset(): void {
    channels.clear();
    for (const channel of FIXTURE_CHANNELS) channels.set(channel.id, { id: channel.id, name: channel.name, messages: [], canSend: true });
  }

  /** The bot's earlier message with this nonce, if it is recent enough for Discord to answer it again. */
  function recentWithNonce(channel: Channel, nonce: string | number, now: number): APIMessage | undefined {
    for (let index = channel.messages.length - 1; index >= 0; index -= 1) {
      const { message } = channel.messages[index] ?? {};
      if (!message || Date.parse(message.timestamp) < now - NONCE_WINDOW_MS) return undefined;
      if (message.author.id === BOT_USER_ID && String(message.nonce) === String(nonce)) return message;
    }
    return undefined;
  }

  function create(channel: Channel, input: NewMessage, now: number): APIMessage {
    const mentioned = mentionedIds(input.content, USER_MENTION);
    const message: APIMessage = {
      id: mintId(now),
      channel_id: channel.id,
      author: toApiBotUser(),
      content: input.content,
      timestamp: discordTimestamp(now),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: mentioned.flatMap((userId) => {
        const user = directory.findUser(userId);
        return user ? [toApiUser(user)] : [];
      }),
      mention_roles: mentionedIds(input.content, ROLE_MENTION).filter((roleId) => directory.hasRole(roleId)),
      attachments: [],
      embeds: [],
      pinned: false,
      type: MessageType.Default,
      ...(input.nonce === null ? {} : { nonce: input.nonce }),
    };
    channel.messages.push({ message, pingedUserIds: pingedUsers(mentioned, input.allowedMentions) });
    return message;
  }

  reset();
  return {
    reset,
    has: (channelId: string) => channels.has(channelId),
    /** Whether the bot holds SEND_MESSAGES in the channel; undefined for an unknown channel. */
    canSend: (channelId: string) => channels.get(channelId)?.canSend,
    setCanSend(channelId: string, allowed: boolean): boolean {
      const channel = channels.get(channelId);
      if (!channel) return false;
      channel.canSend = allowed;
      return true;
    },
    /** The bot posts; `created: false` when `enforce_nonce` found the same post already made. */
    post(channelId: string, input: NewMessage): { message: APIMessage; created: boolean } | undefined {
      const channel = channels.get(channelId);
      if (!channel) return undefined;
      const now = clock();
      const earlier = input.enforceNonce && input.nonce !== null ? recentWithNonce(channel, input.nonce, now) : undefined;
      return earlier ? { message: earlier, created: false } : { message: create(channel, input, now), created: true };
    },
    /**
     * Up to `limit` messages, newest first, as Discord pages them: the newest,
     * those just before `before`, or those just after `after`.
     */
    list(channelId: string, query: { limit: number; before?: string; after?: string }): APIMessage[] | undefined {
      const channel = channels.get(channelId);
      if (!channel) return undefined;
      const all = channel.messages.map((stored) => stored.message);
      const { limit, before, after } = query;
      let page: APIMessage[];
      if (after !== undefined) page = all.filter((message) => BigInt(message.id) > BigInt(after)).slice(0, limit);
      else if (before !== undefined) page = all.filter((message) => BigInt(message.id) < BigInt(before)).slice(-limit);
      else page = all.slice(-limit);
      return page.reverse();
    },
    /** Every message, oldest first, with who it pinged: for the control API. */
    all: (channelId: string): readonly StoredMessage[] | undefined => channels.get(channelId)?.messages,
    describe: (channelId: string) => {
      const channel = channels.get(channelId);
      return channel && { id: channel.id, name: channel.name, send_messages: channel.canSend };
    },
  };
}
