"use client";

import { useEffect, useState } from "react";

/**
 * Shown when Discord cannot be asked and nothing is cached yet: says when the
 * page will try again, and does it by itself.
 */
export function DiscordBusy({ message, retryAfterSeconds }: { message: string; retryAfterSeconds: number }) {
  const [left, setLeft] = useState(retryAfterSeconds);
  useEffect(() => {
    const timer = setInterval(() => setLeft((value) => Math.max(0, value - 1)), 1_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left === 0) window.location.reload();
  }, [left]);
  return (
    <main data-view="discord-busy" className="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center gap-4 p-6 text-center">
      <h1 className="text-2xl font-bold">Just a moment</h1>
      <p className="text-slate-700" role="status">
        {message}{" "}
        {/* The ticking number stays out of the live region's announcements. */}
        <span aria-hidden="true">Trying again in {left} s.</span>
        <span className="sr-only">The page tries again by itself.</span>
      </p>
    </main>
  );
}
