import type { Identity } from "./identity";

/** Discord's CDN, where avatar images live (DISCORD_CDN_BASE overrides it, e.g. with the emulator). */
export const discordCdnBase = "https://cdn.discordapp.com";

/** Discord's CDN answers sizes that are powers of two from 16 to 4096. */
export type AvatarSize = 16 | 32 | 64 | 128 | 256 | 512 | 1_024 | 2_048 | 4_096;

/** Rosters draw avatars at 32 CSS pixels: 64 keeps them sharp on a 2x screen. */
export const listAvatarSize: AvatarSize = 64;

/**
 * Which of Discord's six default avatars a user without one gets. Users on
 * the new username system (discriminator "0", or none) are picked by their
 * id's timestamp bits; users still on discriminators (bots) by those digits.
 */
export function defaultAvatarIndex(userId: string, discriminator?: string): number {
  if (discriminator !== undefined && discriminator !== "0") return Number(discriminator) % 5;
  try {
    return Number((BigInt(userId) >> 22n) % 6n);
  } catch {
    return 0;
  }
}

/**
 * A user's avatar image on the CDN, or Discord's default avatar when they
 * have none (or nothing is known of them). Always PNG: an animated avatar
 * (`a_` hash) then shows its first frame, so lists never move on their own.
 */
export function avatarUrl(cdnBase: string, userId: string, identity: Identity | null, size: AvatarSize = listAvatarSize): string {
  const base = cdnBase.replace(/\/+$/, "");
  if (identity?.avatar) return `${base}/avatars/${userId}/${identity.avatar}.png?size=${size}`;
  return `${base}/embed/avatars/${defaultAvatarIndex(userId, identity?.discriminator)}.png`;
}
