import "server-only";
import type { Redis } from "ioredis";
import { z } from "zod";
import { eaFcIdKey, gamerTagKey, type ProductKeys } from "@/lib/actions/keys";
import { profileSchema, type ProfileInput } from "./schema";

const storedProfileSchema = profileSchema.extend({ updatedAt: z.number() });
export type StoredProfile = z.infer<typeof storedProfileSchema>;

/**
 * The index entries a stored profile holds (`gamerTagKey`, `eaFcIdKey`),
 * named in its JSON so the commit script can free them when the profile
 * changes. Kept apart from `StoredProfile`: they are bookkeeping, not the
 * player's answers. Profiles stored before those indexes existed name none
 * until they are indexed.
 */
const profileClaimsSchema = z.object({ gamerTagKey: z.string(), eaFcIdKey: z.string() });
export type ProfileClaims = z.infer<typeof profileClaimsSchema>;

/** The JSON a profile is stored as (by the profile commit script), with the keys it claims. */
export function profileJson(profile: ProfileInput, updatedAt: number): string {
  return JSON.stringify({ ...profile, updatedAt, gamerTagKey: gamerTagKey(profile.gamerTag), eaFcIdKey: eaFcIdKey(profile.eaFcId) });
}

/** The index keys a stored profile's JSON names; null when it names none (or is no profile). */
export function parseProfileClaims(raw: string | null): ProfileClaims | null {
  if (raw === null) return null;
  try {
    const parsed = profileClaimsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A stored profile's JSON, parsed; null when absent or not a profile. */
export function parseStoredProfile(raw: string | null): StoredProfile | null {
  if (raw === null) return null;
  try {
    const parsed = storedProfileSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Profiles as stored in Redis (`<prefix>profile:<user>`), parsed on the way out. */
export function createProfileStore(redis: Redis, keys: ProductKeys) {
  return {
    async get(userId: string): Promise<StoredProfile | null> {
      return parseStoredProfile(await redis.get(keys.profile(userId)));
    },
    async claims(userId: string): Promise<ProfileClaims | null> {
      return parseProfileClaims(await redis.get(keys.profile(userId)));
    },
    /** Who holds a gamer tag key and an EA FC ID key (`gamerTagKey`, `eaFcIdKey`), if anyone. */
    async holders(gamerTag: string, eaFcId: string): Promise<{ gamerTag: string | null; eaFcId: string | null }> {
      const [gamerTagHolder, eaFcIdHolder] = await Promise.all([redis.hget(keys.gamerTags, gamerTag), redis.hget(keys.eaFcIds, eaFcId)]);
      return { gamerTag: gamerTagHolder, eaFcId: eaFcIdHolder };
    },
    /** Whether the user is on a team's roster (the teams feature records it in `userTeam`). */
    async inTeam(userId: string): Promise<boolean> {
      return (await redis.hexists(keys.userTeam, userId)) === 1;
    },
    async many(userIds: readonly string[]): Promise<Map<string, StoredProfile>> {
      const profiles = new Map<string, StoredProfile>();
      if (userIds.length === 0) return profiles;
      const values = await redis.mget(...userIds.map((userId) => keys.profile(userId)));
      userIds.forEach((userId, index) => {
        const profile = parseStoredProfile(values[index] ?? null);
        if (profile) profiles.set(userId, profile);
      });
      return profiles;
    },
  };
}

export type ProfileStore = ReturnType<typeof createProfileStore>;
