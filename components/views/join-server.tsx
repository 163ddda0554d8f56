"use client";

import { useState } from "react";
import { bodyTextClass, cardClass, discordButtonClass, headingClass, secondaryButtonClass } from "../ui/styles";

export type JoinServerProps = {
  /** The SAFA server's Discord invite. */
  inviteUrl: string;
  /** Asks the server for the roles again; the dashboard switches view by itself once the user is in. */
  onCheckAgain: () => Promise<unknown>;
};

export function JoinServer({ inviteUrl, onCheckAgain }: JoinServerProps) {
  const [checking, setChecking] = useState(false);
  const [checkedOnce, setCheckedOnce] = useState(false);

  async function checkAgain() {
    setChecking(true);
    try {
      await onCheckAgain();
    } finally {
      setChecking(false);
      setCheckedOnce(true);
    }
  }

  return (
    <section data-view="join-server" aria-labelledby="join-server-heading" className={cardClass}>
      <h1 id="join-server-heading" className={headingClass}>
        You&apos;re not in the SAFA server yet
      </h1>
      <p className={`mt-2 ${bodyTextClass}`}>
        Tournaments, teams and matches are organised in our Discord server. Join it with the same Discord account, then come back here.
      </p>
      <div className="mt-5 flex flex-col gap-3 sm:flex-row">
        <a href={inviteUrl} target="_blank" rel="noopener noreferrer" className={discordButtonClass}>
          Join the SAFA server
          <span className="sr-only"> (opens in a new tab)</span>
        </a>
        <button type="button" onClick={checkAgain} disabled={checking} aria-busy={checking} className={secondaryButtonClass}>
          {checking ? "Checking…" : "I've joined, check again"}
        </button>
      </div>
      <p role="status" className="mt-3 text-sm text-slate-600 empty:mt-0">
        {checkedOnce && !checking ? "We can't see you in the server yet. Discord can take a moment; try again shortly." : ""}
      </p>
    </section>
  );
}
