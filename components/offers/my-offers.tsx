"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { offerButtonAction } from "@/lib/offers/offer-button-action";
import { fetchMyOffers, myOffersQueryKey } from "../pool/pool-client";
import { usePoolAction } from "../pool/use-pool-action";
import { ActionButtonForm } from "../teams/action-button-form";
import { ActionStatus } from "../teams/action-status";
import { Skeleton } from "../ui/skeleton";
import { primaryButtonClass, secondaryButtonClass } from "../ui/styles";
import { useButtonFallback } from "../ui/use-button-fallback";

function formatExpiry(iso: string): string {
  return `${iso.replace("T", " ").slice(0, 16)} UTC`;
}

/**
 * The player's open offers: accepting one is joining that team (the
 * dashboard then re-reads the roles and switches view); declining tells the
 * team no.
 */
export function MyOffers({ onJoined }: { onJoined: () => unknown }) {
  const offers = useQuery({ queryKey: myOffersQueryKey, queryFn: ({ signal }) => fetchMyOffers(signal), staleTime: 15_000 });
  const action = usePoolAction((result, done) => (done.kind === "accept-offer" && result.applied ? onJoined() : undefined));
  const [refusal, formAction] = useButtonFallback(offerButtonAction);

  if (offers.isPending) return <Skeleton label="Loading offers…" lines={1} />;
  if (offers.isError) return <p role="alert" className="text-sm text-red-700">{offers.error.message}</p>;

  return (
    <div className="flex flex-col gap-3">
      {offers.data.offers.length === 0 ? (
        <p className="text-sm text-slate-600">No offers yet. Switch on &ldquo;Looking for a team&rdquo; so managers can find you.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-200" aria-label="Offers">
          {offers.data.offers.map((offer) => (
            <li key={offer.teamId} className="flex flex-wrap items-center justify-between gap-3 py-3" data-offer={offer.teamName}>
              <div className="min-w-0">
                <p className="font-semibold text-slate-900">
                  <Link href={`/teams/${offer.teamId}`} className="underline decoration-slate-300 underline-offset-2">
                    {offer.teamName}
                  </Link>{" "}
                  <span className="text-sm font-normal text-slate-600">[{offer.teamTag}]</span>
                </p>
                <p className="text-sm text-slate-600">
                  From {offer.offeredByName} · open until {formatExpiry(offer.expiresAt)}
                </p>
              </div>
              <div className="flex gap-2">
                <ActionButtonForm
                  action={formAction}
                  act={{ kind: "accept-offer", teamId: offer.teamId }}
                  run={action.run}
                  className={primaryButtonClass}
                  disabled={action.pending}
                  label={`Accept the offer from ${offer.teamName}`}
                >
                  Accept
                </ActionButtonForm>
                <ActionButtonForm
                  action={formAction}
                  act={{ kind: "decline-offer", teamId: offer.teamId }}
                  run={action.run}
                  className={secondaryButtonClass}
                  disabled={action.pending}
                  label={`Decline the offer from ${offer.teamName}`}
                >
                  Decline
                </ActionButtonForm>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ActionStatus pending={action.pending} error={action.error} result={action.result} refusal={refusal} />
    </div>
  );
}
