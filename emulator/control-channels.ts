/**
 * The control API's channels, for tests and the demo: what was posted, and
 * the bot's right to post, as a moderator would change it in the channel's
 * settings. Nothing here is rate limited.
 */
import { z } from "zod";
import type { ChannelStore } from "./channel-store";
import { controlError, parseBody } from "./control-body";
import { jsonResponse, type EmulatorResponse } from "./http";

const permissionsSchema = z.strictObject({ send_messages: z.boolean() });

function unknownChannel(channelId: string): EmulatorResponse {
  return controlError(404, `channel_id: no channel ${channelId}`);
}

/** Every message, oldest first, each with `pinged_user_ids` (who Discord would notify, after `allowed_mentions`). */
function allMessages(channels: ChannelStore, channelId: string): EmulatorResponse {
  const stored = channels.all(channelId);
  if (!stored) return unknownChannel(channelId);
  return jsonResponse(200, {
    channel: channels.describe(channelId),
    messages: stored.map(({ message, pingedUserIds }) => ({ ...message, pinged_user_ids: pingedUserIds })),
  });
}

/** `{send_messages: false}`: the bot's posts there answer 403 50013 until it is set back to true. */
function setPermissions(channels: ChannelStore, channelId: string, body: string): EmulatorResponse {
  const parsed = parseBody(permissionsSchema, body);
  if (!parsed.ok) return parsed.response;
  if (!channels.setCanSend(channelId, parsed.value.send_messages)) return unknownChannel(channelId);
  return jsonResponse(200, channels.describe(channelId));
}

/** The answer to a channel action (`"<METHOD> channels/..."` below `/__emulator/`), or undefined when `action` is not one. */
export function handleChannelControl(channels: ChannelStore, action: string, body: string): EmulatorResponse | undefined {
  const messages = /^GET channels\/(\d+)\/messages$/.exec(action);
  if (messages) return allMessages(channels, messages[1] ?? "");
  const permissions = /^POST channels\/(\d+)\/permissions$/.exec(action);
  if (permissions) return setPermissions(channels, permissions[1] ?? "", body);
  return undefined;
}
