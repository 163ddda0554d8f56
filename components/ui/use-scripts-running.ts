"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;

/**
 * False in the server's HTML (and so without JavaScript), true once the
 * page's scripts run: for a control that needs a plain submit button only
 * until the scripts can act on a change by themselves. React renders the
 * server's value while hydrating, so the two never mismatch.
 */
export function useScriptsRunning(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
