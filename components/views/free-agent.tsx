import { MyOffers } from "../offers/my-offers";
import { LookingSwitch } from "../pool/looking-switch";
import { CreateTeamForm } from "../teams/create-team-form";
import { TeamBrowser } from "../teams/team-browser";
import { TransferWindow } from "../teams/transfer-window";
import { bodyTextClass, cardClass, headingClass, sectionHeadingClass } from "../ui/styles";

export type FreeAgentProps = {
  /** Called once a team is created: the user's roles changed, so the dashboard re-reads them and switches view. */
  onRolesChanged: () => unknown;
};

export function FreeAgent({ onRolesChanged }: FreeAgentProps) {
  return (
    <div data-view="free-agent" className="flex flex-col gap-4">
      <section aria-labelledby="free-agent-heading" className={cardClass}>
        <h1 id="free-agent-heading" className={headingClass}>
          You&apos;re a free agent
        </h1>
        <p className={`mt-2 ${bodyTextClass}`}>Your profile is complete and you&apos;re not on a team yet. Join a team or start your own.</p>
        <div className="mt-3">
          <TransferWindow showChangesLeft={false} />
        </div>
      </section>
      <section aria-labelledby="offers-heading" className={cardClass}>
        <h2 id="offers-heading" className={sectionHeadingClass}>
          Offers from teams
        </h2>
        <div className="mt-3 grid gap-4 md:grid-cols-[1fr_2fr]">
          <LookingSwitch />
          <MyOffers onJoined={onRolesChanged} />
        </div>
      </section>
      <div className="grid gap-4 md:grid-cols-2">
        <section aria-labelledby="find-team-heading" className={cardClass}>
          <h2 id="find-team-heading" className={sectionHeadingClass}>
            Find a team
          </h2>
          <p className={`mt-1 ${bodyTextClass}`}>Ask to join a team that is recruiting. Its manager accepts or declines your request.</p>
          <div className="mt-4">
            <TeamBrowser />
          </div>
        </section>
        <section aria-labelledby="create-team-heading" className={cardClass}>
          <h2 id="create-team-heading" className={sectionHeadingClass}>
            Create a team
          </h2>
          <p className={`mt-1 ${bodyTextClass}`}>Start a team and become its manager: you pick who plays and answer join requests.</p>
          <div className="mt-4">
            <CreateTeamForm onCreated={onRolesChanged} />
          </div>
        </section>
      </div>
    </div>
  );
}
