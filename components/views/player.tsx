import { MyTeamRoster } from "../teams/my-team";
import { TransferWindow } from "../teams/transfer-window";
import { bodyTextClass, cardClass, headingClass } from "../ui/styles";

export type PlayerProps = {
  /** Called after a roster action, which may change the user's own roles (leaving, handing over or disbanding the team), so the dashboard re-reads them and switches view. */
  onRolesChanged: () => unknown;
};

export function Player({ onRolesChanged }: PlayerProps) {
  return (
    <section data-view="player" aria-labelledby="player-heading" className={cardClass}>
      <h1 id="player-heading" className={headingClass}>
        Your team
      </h1>
      <p className={`mt-2 ${bodyTextClass}`}>You play for a SAFA team. Your manager looks after the roster and the fixtures.</p>
      <div className="mt-3">
        <TransferWindow showChangesLeft={false} />
      </div>
      <div className="mt-4">
        <MyTeamRoster onRolesChanged={onRolesChanged} />
      </div>
    </section>
  );
}
