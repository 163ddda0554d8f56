import type { ReactNode } from "react";
import { bodyTextClass, cardClass, headingClass } from "../ui/styles";

export type PlayerProps = {
  /** The team's name, roster and fixtures, plugged in by the teams feature. */
  teamDetailsSlot?: ReactNode;
};

export function Player({ teamDetailsSlot }: PlayerProps) {
  return (
    <section data-view="player" aria-labelledby="player-heading" className={cardClass}>
      <h1 id="player-heading" className={headingClass}>
        Your team
      </h1>
      <p className={`mt-2 ${bodyTextClass}`}>You play for a SAFA team. Your manager looks after the roster and the fixtures.</p>
      {teamDetailsSlot && <div className="mt-4">{teamDetailsSlot}</div>}
    </section>
  );
}
