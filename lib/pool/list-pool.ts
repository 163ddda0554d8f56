import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { avatarUrl, discordCdnBase } from "@/lib/identity/avatar";
import { displayNameOf } from "@/lib/identity/identity";
import { createIdentityStore } from "@/lib/identity/store";
import { createOfferStore } from "@/lib/offers/store";
import type { TeamContext } from "@/lib/teams/context";
import { createTeamStore } from "@/lib/teams/store";
import type { PoolPage, PoolQuery } from "./answer";
import type { PoolEntry } from "./entry";
import { selectPage } from "./select-page";
import { createPoolStore } from "./store";

/** What a page read needs: Redis, the keys, the clock and the avatar CDN (no Discord). */
type PoolReadContext = Pick<TeamContext, "redis" | "keys" | "now" | "cdnBase">;

/** Passes at most: each drops, from the pool, players a page found on a roster, and reads again. */
const cleanPassesMax = 3;

/**
 * One page of the free-agent pool, filtered and searched. Every entry is
 * read and filtered in memory (a compact string each: see entry.ts and
 * bench/pool for the numbers). A join takes the player out of the pool in
 * its commit; a player who got on a roster another way (a team started, or
 * made on Discord) is taken out here, when a page finds them.
 */
export async function listPool(context: PoolReadContext, viewer: SessionActor, query: PoolQuery): Promise<PoolPage> {
  const pool = createPoolStore(context.redis, context.keys);
  let selected = selectPage(await pool.entries(), query);
  for (let pass = 1; pass < cleanPassesMax; pass += 1) {
    const onRoster = await rostered(context, selected.entries);
    if (onRoster.length === 0) break;
    await pool.leave(...onRoster);
    selected = selectPage(await pool.entries(), query);
  }
  const [offeringTeam, viewerLooking] = await Promise.all([teamOffering(context, viewer), pool.isLooking(viewer.id)]);
  const offered = offeringTeam === null ? new Set<string>() : new Set((await createOfferStore(context.redis, context.keys).openOfTeam(offeringTeam.id, context.now())).map((offer) => offer.userId));
  // Only the page's players: names and faces as Discord shows them now (the entry keeps the name searched by).
  const identities = await createIdentityStore(context.redis, context.keys.identities).many(selected.entries.map((entry) => entry.userId));
  const cdnBase = context.cdnBase ?? discordCdnBase;
  return {
    players: selected.entries.map((entry) => {
      const identity = identities.get(entry.userId) ?? null;
      return {
        userId: entry.userId,
        name: identity ? displayNameOf(identity) : entry.name,
        avatarUrl: avatarUrl(cdnBase, entry.userId, identity),
        gamerTag: entry.gamerTag,
        platform: entry.platform,
        position: entry.position,
        country: entry.country,
        lookingSince: new Date(entry.since).toISOString(),
        offered: offered.has(entry.userId),
      };
    }),
    page: selected.page,
    pageSize: selected.pageSize,
    total: selected.total,
    offeringTeam,
    viewerLooking,
  };
}

async function rostered(context: PoolReadContext, entries: readonly PoolEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const teams = await context.redis.hmget(context.keys.userTeam, ...entries.map((entry) => entry.userId));
  return entries.filter((_, index) => teams[index] !== null).map((entry) => entry.userId);
}

/** The team whose places the viewer may offer from the pool: the one they manage. */
async function teamOffering(context: PoolReadContext, viewer: SessionActor): Promise<PoolPage["offeringTeam"]> {
  const store = createTeamStore(context.redis, context.keys);
  const teamId = await store.teamOf(viewer.id);
  const team = teamId === null ? null : await store.team(teamId);
  return team !== null && team.managerId === viewer.id ? { id: team.id, name: team.name } : null;
}
