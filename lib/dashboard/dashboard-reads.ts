import "server-only";
import { getActionContext } from "@/lib/actions";
import type { SessionActor } from "@/lib/actions/actor";
import { getOfferContext, myOffers, teamOffers } from "@/lib/offers";
import { isLooking } from "@/lib/pool";
import { myProfile } from "@/lib/profile";
import { getTeamContext, listTeams, myTeam } from "@/lib/teams";
import { transferStatus } from "@/lib/tournament";

/**
 * The answers of the GET routes behind the dashboard's panels, each made by
 * the same lib call, with the same context, as its route handler makes it:
 * a prefetched panel shows what its own fetch would have shown. A read
 * throws what the route would have turned into an error answer.
 */
export type DashboardReads = {
  /** app/api/profile/route.ts */
  profile: (user: SessionActor) => Promise<unknown>;
  /** app/api/transfers/route.ts */
  transfers: (user: SessionActor) => Promise<unknown>;
  /** app/api/teams/route.ts */
  teams: (user: SessionActor) => Promise<unknown>;
  /** app/api/teams/mine/route.ts */
  myTeam: (user: SessionActor) => Promise<unknown>;
  /** app/api/pool/me/route.ts */
  looking: (user: SessionActor) => Promise<unknown>;
  /** app/api/offers/route.ts */
  myOffers: (user: SessionActor) => Promise<unknown>;
  /** app/api/offers/route.ts, with `?teamId` */
  teamOffers: (user: SessionActor, teamId: string) => Promise<unknown>;
};

export const dashboardReads: DashboardReads = {
  profile: async (user) => ({ profile: await myProfile(user.id) }),
  transfers: (user) => transferStatus(getActionContext(), user.id),
  teams: (user) => listTeams(getTeamContext(), user),
  myTeam: (user) => myTeam(getTeamContext(), user),
  looking: (user) => isLooking(getTeamContext(), user),
  myOffers: (user) => myOffers(getOfferContext(), user),
  teamOffers: (user, teamId) => teamOffers(getOfferContext(), user, teamId),
};
