import { z } from "zod";

/**
 * What the product keeps of a Discord user to show them: the names Discord
 * gives them and their avatar's hash. Kept apart from roles and profiles
 * because it changes on Discord, not here.
 */
export type Identity = {
  username: string;
  globalName: string | null;
  /** The avatar's hash (`a_` first when animated); null: Discord's default avatar. */
  avatar: string | null;
  /** Only for users still on the old name system (bots): their four digits pick the default avatar. */
  discriminator?: string;
};

/** A stored identity (Redis is a boundary too). */
export const identitySchema = z.object({
  username: z.string().min(1).max(32),
  globalName: z.string().max(32).nullable(),
  avatar: z.string().regex(/^(a_)?[0-9a-f]{1,64}$/).nullable(),
  discriminator: z.string().regex(/^\d{4}$/).optional(),
});

/** The fields of a user object Discord sends (REST, OAuth /users/@me, Gateway members) that an identity is made of. */
const discordUserSchema = z.object({
  username: z.string(),
  global_name: z.string().nullish(),
  avatar: z.string().nullish(),
  discriminator: z.string().nullish(),
});

/** The identity in a Discord user object, or null when the object does not carry one (a partial user). */
export function identityOfDiscordUser(raw: unknown): Identity | null {
  const parsed = discordUserSchema.safeParse(raw);
  if (!parsed.success) return null;
  const identity = identitySchema.safeParse({
    username: parsed.data.username,
    globalName: parsed.data.global_name || null,
    avatar: parsed.data.avatar ?? null,
    ...(parsed.data.discriminator && parsed.data.discriminator !== "0" ? { discriminator: parsed.data.discriminator } : {}),
  });
  return identity.success ? identity.data : null;
}

/** How an identity is stored: compact JSON with only the fields it has. */
export function encodeIdentity(identity: Identity): string {
  return JSON.stringify(identity);
}

export function decodeIdentity(raw: string | null | undefined): Identity | null {
  if (typeof raw !== "string") return null;
  try {
    const parsed = identitySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The name Discord shows for a user: their display name, else their username. */
export function displayNameOf(identity: Identity): string {
  return identity.globalName ?? identity.username;
}
