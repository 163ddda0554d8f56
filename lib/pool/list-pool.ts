import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { createOfferStore } from "@/lib/offers/store";
import type { TeamContext } from "@/lib/teams/context";
import { createTeamStore } from "@/lib/teams/store";
import type { PoolPage, PoolQuery } from "./answer";
import { selectPage, type PoolRow } from "./select-page";
import { createPoolStore } from "./store";

/** Passes at most: each drops, from the pool, players a page found on a roster, and reads again. */
const cleanPassesMax = 3;

/**
 * One page of the free-agent pool, filtered and searched. Every entry is
 * read and filtered in memory (a compact string each: see entry.ts and
 * bench/pool for the numbers). A join takes the player out of the pool in
 * its commit; a player who got on a roster another way (a team started, or
 * made on Discord) is taken out here, when a page finds them.
 */
export async function listPool(context: TeamContext, viewer: SessionActor, query: PoolQuery): Promise<PoolPage> {
  const pool = createPoolStore(context.redis, context.keys);
  let selected = selectPage(await pool.rows(), query);
  for (let pass = 1; pass < cleanPassesMax; pass += 1) {
    const onRoster = await rostered(context, selected.rows);
    if (onRoster.length === 0) break;
    await pool.leave(...onRoster);
    selected = selectPage(await pool.rows(), query);
  }
  const [offeringTeam, viewerLooking] = await Promise.all([teamOffering(context, viewer), pool.isLooking(viewer.id)]);
  const offered = offeringTeam === null ? new Set<string>() : new Set((await createOfferStore(context.redis, context.keys).openOfTeam(offeringTeam.id, context.now())).map((offer) => offer.userId));
  return {
    players: selected.rows.map((row) => ({
      userId: row.userId,
      name: row.name,
      gamerTag: row.gamerTag,
      platform: row.platform,
      position: row.position,
      country: row.country,
      lookingSince: new Date(row.since).toISOString(),
      offered: offered.has(row.userId),
    })),
    page: selected.page,
    pageSize: selected.pageSize,
    total: selected.total,
    offeringTeam,
    viewerLooking,
  };
}

async function rostered(context: TeamContext, rows: readonly PoolRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const teams = await context.redis.hmget(context.keys.userTeam, ...rows.map((row) => row.userId));
  return rows.filter((_, index) => teams[index] !== null).map((row) => row.userId);
}

/** The team whose places the viewer may offer from the pool: the one they manage. */
async function teamOffering(context: TeamContext, viewer: SessionActor): Promise<PoolPage["offeringTeam"]> {
  const store = createTeamStore(context.redis, context.keys);
  const teamId = await store.teamOf(viewer.id);
  const team = teamId === null ? null : await store.team(teamId);
  return team !== null && team.managerId === viewer.id ? { id: team.id, name: team.name } : null;
}
