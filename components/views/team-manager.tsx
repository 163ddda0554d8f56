import Link from "next/link";
import { TeamOffersList } from "../offers/team-offers";
import { MyJoinRequests, MyTeamRoster } from "../teams/my-team";
import { TransferWindow } from "../teams/transfer-window";
import { bodyTextClass, cardClass, headingClass, sectionHeadingClass } from "../ui/styles";

export type TeamManagerProps = {
  /** Called after a roster action, which may change the user's own roles (leaving, handing over or disbanding the team), so the dashboard re-reads them and switches view. */
  onRolesChanged: () => unknown;
};

export function TeamManager({ onRolesChanged }: TeamManagerProps) {
  return (
    <div data-view="team-manager" className="flex flex-col gap-4">
      <section aria-labelledby="team-manager-heading" className={cardClass}>
        <h1 id="team-manager-heading" className={headingClass}>
          Your team
        </h1>
        <p className={`mt-2 ${bodyTextClass}`}>You manage this team: keep the roster up to date and answer players who ask to join.</p>
        <div className="mt-3">
          <TransferWindow showChangesLeft />
        </div>
      </section>
      <section aria-labelledby="roster-heading" className={cardClass}>
        <h2 id="roster-heading" className={sectionHeadingClass}>
          Roster
        </h2>
        <div className="mt-3">
          <MyTeamRoster onRolesChanged={onRolesChanged} />
        </div>
      </section>
      <section aria-labelledby="join-requests-heading" className={cardClass}>
        <h2 id="join-requests-heading" className={sectionHeadingClass}>
          Join requests
        </h2>
        <div className="mt-3">
          <MyJoinRequests />
        </div>
      </section>
      <section aria-labelledby="find-players-heading" className={cardClass}>
        <h2 id="find-players-heading" className={sectionHeadingClass}>
          Find players
        </h2>
        <p className={`mt-1 ${bodyTextClass}`}>
          Browse the{" "}
          <Link href="/pool" className="font-semibold underline">
            free-agent pool
          </Link>{" "}
          and offer a place to players looking for a team. They accept or decline on their dashboard.
        </p>
        <div className="mt-3">
          <TeamOffersList />
        </div>
      </section>
    </div>
  );
}
