"use client";

import { useQuery } from "@tanstack/react-query";
import { offerButtonAction } from "@/lib/offers/offer-button-action";
import { fetchTeamOffers, teamOffersQueryKey } from "../pool/pool-client";
import { usePoolAction } from "../pool/use-pool-action";
import { ActionButtonForm } from "../teams/action-button-form";
import { ActionStatus } from "../teams/action-status";
import { fetchMyTeam, myTeamQueryKey, teamsStaleTimeMs } from "../teams/teams-client";
import { Avatar } from "../ui/avatar";
import { smallSecondaryButtonClass } from "../ui/styles";
import { useButtonFallback } from "../ui/use-button-fallback";

/** The open offers of the team the viewer manages, each with when it runs out and a withdraw button. */
export function TeamOffersList() {
  const mine = useQuery({ queryKey: myTeamQueryKey, queryFn: ({ signal }) => fetchMyTeam(signal), staleTime: teamsStaleTimeMs });
  const teamId = mine.data?.canManage ? (mine.data.team?.id ?? null) : null;
  const offers = useQuery({
    queryKey: [...teamOffersQueryKey, teamId],
    queryFn: ({ signal }) => fetchTeamOffers(teamId ?? "", signal),
    enabled: teamId !== null,
    staleTime: 15_000,
  });
  const action = usePoolAction();
  const [refusal, formAction] = useButtonFallback(offerButtonAction);

  if (teamId === null || offers.isPending) return null;
  if (offers.isError) return <p role="alert" className="text-sm text-red-700">{offers.error.message}</p>;
  if (offers.data.offers.length === 0) return <p className="text-sm text-slate-600">No open offers.</p>;
  return (
    <div className="flex flex-col gap-2">
      <ul className="flex flex-col divide-y divide-slate-200" aria-label="Open offers">
        {offers.data.offers.map((offer) => (
          <li key={offer.userId} className="flex flex-wrap items-center justify-between gap-3 py-2">
            <span className="flex min-w-0 items-center gap-2 text-slate-900">
              <Avatar src={offer.avatarUrl} size={24} />
              <span>
                {offer.gamerTag ?? offer.name} <span className="text-sm text-slate-600">· open until {offer.expiresAt.replace("T", " ").slice(0, 16)} UTC</span>
              </span>
            </span>
            <ActionButtonForm
              action={formAction}
              act={{ kind: "withdraw-offer", teamId, userId: offer.userId }}
              run={action.run}
              className={smallSecondaryButtonClass}
              disabled={action.pending}
              label={`Withdraw the offer to ${offer.gamerTag ?? offer.name}`}
            >
              Withdraw
            </ActionButtonForm>
          </li>
        ))}
      </ul>
      <ActionStatus pending={action.pending} error={action.error} result={action.result} refusal={refusal} />
    </div>
  );
}
