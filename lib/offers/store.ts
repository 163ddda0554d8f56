import "server-only";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { ProductKeys } from "@/lib/actions/keys";

export const storedOfferSchema = z.object({
  teamId: z.string(),
  offeredBy: z.string(),
  offeredByName: z.string(),
  /** Epoch milliseconds. */
  at: z.number(),
  expiresAt: z.number(),
});
/** An offer as stored in the player's hash (`keys.offers`); the join commit script reads its `expiresAt`. */
export type StoredOffer = z.infer<typeof storedOfferSchema>;

export function offerJson(offer: StoredOffer): string {
  return JSON.stringify(storedOfferSchema.parse(offer));
}

function parseOffer(raw: string): StoredOffer | null {
  try {
    const parsed = storedOfferSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The offers' records, from both sides: the player's hash of offers by team,
 * and each team's sorted set of players it offered a place, by expiry. An
 * offer whose time ran out is void when read, and forgotten on the way.
 */
export function createOfferStore(redis: Redis, keys: ProductKeys) {
  return {
    /** The player's open offers, oldest first; expired and unreadable ones are dropped from both sides. */
    async openFor(userId: string, now: number): Promise<StoredOffer[]> {
      const raw = await redis.hgetall(keys.offers(userId));
      const open: StoredOffer[] = [];
      const stale: string[] = [];
      for (const [teamId, value] of Object.entries(raw)) {
        const offer = parseOffer(value);
        if (offer && offer.teamId === teamId && offer.expiresAt > now) open.push(offer);
        else stale.push(teamId);
      }
      if (stale.length > 0) await this.forget(userId, stale);
      return open.sort((a, b) => a.at - b.at);
    },
    /** One offer, expired or not; null when there is none. */
    async offer(userId: string, teamId: string): Promise<StoredOffer | null> {
      const raw = await redis.hget(keys.offers(userId), teamId);
      return raw === null ? null : parseOffer(raw);
    },
    /** Players the team has an open offer to, with when each runs out. */
    async openOfTeam(teamId: string, now: number): Promise<{ userId: string; expiresAt: number }[]> {
      const flat = await redis.zrangebyscore(keys.teamOffers(teamId), `(${now}`, "+inf", "WITHSCORES");
      const entries: { userId: string; expiresAt: number }[] = [];
      for (let index = 0; index + 1 < flat.length; index += 2) entries.push({ userId: flat[index] ?? "", expiresAt: Number(flat[index + 1]) });
      return entries;
    },
    /** Drops offers of one player from both sides (the player's hash and each team's set). */
    async forget(userId: string, teamIds: readonly string[]): Promise<void> {
      if (teamIds.length === 0) return;
      const pipeline = redis.multi().hdel(keys.offers(userId), ...teamIds);
      for (const teamId of teamIds) pipeline.zrem(keys.teamOffers(teamId), userId);
      await pipeline.exec();
    },
  };
}

export type OfferStore = ReturnType<typeof createOfferStore>;
