import "server-only";
import type { Redis } from "ioredis";
import { decodeIdentity, encodeIdentity, type Identity } from "./identity";

/**
 * Reads and writes of the identities hash (user id -> identity JSON). The
 * Gateway mirror writes it for every member Discord sends (in its apply
 * script) and the login for the user logging in; everything else reads.
 */
export function createIdentityStore(redis: Redis, identitiesKey: string) {
  return {
    async many(userIds: readonly string[]): Promise<Map<string, Identity>> {
      const found = new Map<string, Identity>();
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return found;
      const values = await redis.hmget(identitiesKey, ...unique);
      unique.forEach((userId, index) => {
        const identity = decodeIdentity(values[index]);
        if (identity) found.set(userId, identity);
      });
      return found;
    },
    async one(userId: string): Promise<Identity | null> {
      return decodeIdentity(await redis.hget(identitiesKey, userId));
    },
    async remember(userId: string, identity: Identity): Promise<void> {
      await redis.hset(identitiesKey, userId, encodeIdentity(identity));
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
