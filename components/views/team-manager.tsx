import type { ReactNode } from "react";
import { bodyTextClass, cardClass, headingClass, sectionHeadingClass } from "../ui/styles";

export type TeamManagerProps = {
  /** The team's roster, plugged in by the teams feature. */
  rosterSlot?: ReactNode;
  /** Pending join requests, plugged in by the teams feature. */
  joinRequestsSlot?: ReactNode;
};

export function TeamManager({ rosterSlot, joinRequestsSlot }: TeamManagerProps) {
  return (
    <div data-view="team-manager" className="flex flex-col gap-4">
      <section aria-labelledby="team-manager-heading" className={cardClass}>
        <h1 id="team-manager-heading" className={headingClass}>
          Your team
        </h1>
        <p className={`mt-2 ${bodyTextClass}`}>You manage this team: keep the roster up to date and answer players who ask to join.</p>
      </section>
      {rosterSlot && (
        <section aria-labelledby="roster-heading" className={cardClass}>
          <h2 id="roster-heading" className={sectionHeadingClass}>
            Roster
          </h2>
          <div className="mt-3">{rosterSlot}</div>
        </section>
      )}
      {joinRequestsSlot && (
        <section aria-labelledby="join-requests-heading" className={cardClass}>
          <h2 id="join-requests-heading" className={sectionHeadingClass}>
            Join requests
          </h2>
          <div className="mt-3">{joinRequestsSlot}</div>
        </section>
      )}
    </div>
  );
}
