"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { applyLiveEvent, liveEndpoint, liveEventNames, refetchLive, reopenDelayMs } from "./live-events";

/**
 * Keeps the page's queries current while it is open: an EventSource on
 * `GET /api/events` whose events are written into the query cache. The
 * browser reconnects by itself after a dropped connection, sending the
 * last event id, so nothing that happened meanwhile is lost. When the
 * stream cannot be opened at all (too many tabs, server busy, signed out),
 * the page stays on the focus refetches it always had, and tries the
 * stream again later; a stream reopened after such a gap re-reads
 * everything once, since nobody could tell it what it missed.
 */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let reopenTimer: number | undefined;
    let failures = 0;

    function open(): void {
      const current = new EventSource(liveEndpoint);
      source = current;
      for (const name of liveEventNames) {
        current.addEventListener(name, (event) => {
          if (name === "ready") {
            if (failures > 0) void refetchLive(queryClient, ["roles", "team"]);
            failures = 0;
          }
          if (name === "session-ended") current.close();
          void applyLiveEvent(queryClient, name, (event as MessageEvent<string>).data);
        });
      }
      current.onerror = () => {
        // CONNECTING: the browser is reconnecting by itself. CLOSED: the server refused the stream.
        if (current.readyState !== EventSource.CLOSED) return;
        failures += 1;
        reopenTimer = window.setTimeout(open, reopenDelayMs(failures));
      };
    }

    open();
    return () => {
      window.clearTimeout(reopenTimer);
      source?.close();
    };
  }, [queryClient]);
}
