"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

/** The current time, re-read every `intervalMs` so relative times keep moving. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const subscribeToNothing = () => () => {};

/**
 * False during the server render and hydration, true after: text that
 * depends on the reader's locale or time zone waits for it, so hydration
 * never meets a server-formatted time it would keep.
 */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}
