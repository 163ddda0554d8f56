import type { SessionActor } from "@/lib/actions/actor";
import type { GuildPort } from "@/lib/actions/guild-port";
import { acceptOffer, declineOffer, makeOffer, myOffers, teamOffers, withdrawOffer } from "@/lib/offers";
import type { OfferContext } from "@/lib/offers/context";
import { setLooking } from "@/lib/pool";
import type { ProfileInput } from "@/lib/profile/schema";
import { profileJson } from "@/lib/profile/store";
import type { TeamContext } from "@/lib/teams/context";
import { createWorld, type World } from "../../helpers/teams-world";

/** An hour, in milliseconds: the offers in these tests stay open this long unless a test moves the clock. */
export const offerTtlMs = 3_600_000;

/** The offers use cases bound to one process's context, as the route handlers call them. */
export function offerActions(context: OfferContext) {
  return {
    makeOffer: (user: SessionActor, teamId: string, userId: string) => makeOffer(context, user, teamId, userId),
    withdrawOffer: (user: SessionActor, teamId: string, userId: string) => withdrawOffer(context, user, teamId, userId),
    acceptOffer: (user: SessionActor, teamId: string) => acceptOffer(context, user, teamId),
    declineOffer: (user: SessionActor, teamId: string) => declineOffer(context, user, teamId),
    myOffers: (user: SessionActor) => myOffers(context, user),
    teamOffers: (user: SessionActor, teamId: string) => teamOffers(context, user, teamId),
  };
}

/** A teams world whose contexts also carry the offers' time to live, and a clock tests can move. */
export async function createOfferWorld(options: { rosterMax?: number } = {}) {
  const world: World = await createWorld(options);
  const clock = { offsetMs: 0 };
  const withOffers = (context: TeamContext): OfferContext => {
    context.now = () => Date.now() + clock.offsetMs;
    return Object.assign(context, { offerTtlMs });
  };
  const context = withOffers(world.context);
  return {
    world,
    clock,
    context,
    offers: offerActions(context),
    /** Another app process (its own REST client and context) on the same Redis and emulator. */
    process(wrap?: (guild: GuildPort, context: TeamContext) => GuildPort) {
      const other = world.process(wrap);
      const otherContext = withOffers(other.context);
      return { context: otherContext, service: other.service, offers: offerActions(otherContext) };
    },
    /** Stores a completed profile as the profile save would, and switches the player's "looking" on. */
    async looking(user: SessionActor, profile: Partial<ProfileInput> = {}) {
      const full: ProfileInput = { gamerTag: `Tag_${user.id.slice(-4)}`, platform: "pc", eaFcId: `fc${user.id.slice(-6)}`, country: "NG", position: "MID", ...profile };
      await world.redis.set(world.keys.profile(user.id), profileJson(full, Date.now()));
      const result = await setLooking(context, user, true);
      if (!result.applied) throw new Error(`${user.name} did not enter the pool: ${result.message}`);
    },
    /** A team created through the real action, managed by `manager`. */
    async team(manager: SessionActor, name: string, tag: string): Promise<string> {
      const result = await world.service.createTeam(manager, { name, tag });
      if (result.teamId === null) throw new Error("no team id");
      return result.teamId;
    },
  };
}

export type OfferWorld = Awaited<ReturnType<typeof createOfferWorld>>;
