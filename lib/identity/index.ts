export { avatarUrl, defaultAvatarIndex, discordCdnBase, listAvatarSize, type AvatarSize } from "./avatar";
export { decodeIdentity, displayNameOf, encodeIdentity, identityOfDiscordUser, identitySchema, type Identity } from "./identity";
