"use client";

import type { RolesProblem } from "./roles-client";
import { formatCountdown } from "./format-age";
import { useNow } from "./use-now";

export type RolesProblemBannerProps = {
  problem: RolesProblem | null;
  onRetry: () => void;
};

/** Why the page shows the last answer instead of a fresh one, in words that tell the user what happens next. */
export function RolesProblemBanner({ problem, onRetry }: RolesProblemBannerProps) {
  if (problem === null) return null;
  switch (problem.kind) {
    case "busy":
      return <BusyBanner retryAtMs={problem.retryAtMs} />;
    case "signed-out":
      return (
        <p role="status" className={`${bannerClass} bg-slate-100 text-slate-800 ring-slate-200`}>
          Your login has ended. Taking you to the login page…
        </p>
      );
    case "failed":
      return (
        <div role="alert" className={`${bannerClass} flex flex-wrap items-center justify-between gap-2 bg-red-50 text-red-900 ring-red-200`}>
          <p>We couldn&apos;t refresh your roles. You&apos;re seeing the last answer we have.</p>
          <button type="button" onClick={onRetry} className="min-h-11 rounded-md px-3 py-1 font-semibold underline underline-offset-4 hover:bg-red-100">
            Try again
          </button>
        </div>
      );
  }
}

const bannerClass = "rounded-lg px-4 py-3 text-sm ring-1";

function BusyBanner({ retryAtMs }: { retryAtMs: number }) {
  const now = useNow(1_000);
  return (
    <p role="status" className={`${bannerClass} bg-amber-50 text-amber-900 ring-amber-200`}>
      Discord is busy, retrying in{" "}
      {/* The ticking number stays out of the live region's announcements. */}
      <span aria-hidden="true">{formatCountdown(retryAtMs - now)}</span>
      <span className="sr-only">a few seconds</span>. Your page keeps showing your last known roles.
    </p>
  );
}
