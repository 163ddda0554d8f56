"use client";

import { formatAge, formatExactTime } from "./format-age";
import { useIsClient, useNow } from "./use-now";

export type RolesBadgeProps = {
  /** When the roles were read from Discord (ISO 8601). */
  fetchedAt: string;
  stale: boolean;
  discordBusy: boolean;
  /** True while the browser is asking the server again. */
  refreshing?: boolean;
  /** The roles come from the live mirror of the server: `fetchedAt` is then the member's last change, not the age of a copy. */
  live?: boolean;
};

/**
 * "Roles as of 40 s ago": how old the roles behind this page are, ticking every second.
 * Live roles are current by definition, so the badge says so and names the last change instead.
 */
export function RolesBadge({ fetchedAt, stale, discordBusy, refreshing = false, live = false }: RolesBadgeProps) {
  const now = useNow(1_000);
  const isClient = useIsClient();
  const age = formatAge(now - Date.parse(fetchedAt));
  // Until hydration is over, a zone-free ISO time; then the reader's own.
  const exact = isClient ? formatExactTime(fetchedAt) : new Date(fetchedAt).toISOString();

  return (
    <div className="inline-flex max-w-full flex-col self-start gap-1 rounded-lg bg-surface px-3 py-2 text-sm text-slate-700 shadow-sm ring-1 ring-slate-200">
      <p className="flex flex-wrap items-center gap-x-2">
        <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ${stale || discordBusy ? "bg-amber-500" : "bg-brand"}`} />
        {live && !stale ? (
          <span>
            <span className="font-medium text-slate-900">Live from Discord</span> · last change{" "}
            <time dateTime={fetchedAt} title={exact} suppressHydrationWarning>
              {age}
            </time>
            <span className="sr-only"> ({exact})</span>
          </span>
        ) : (
          <span>
            Roles as of{" "}
            <time dateTime={fetchedAt} title={exact} className="font-medium text-slate-900" suppressHydrationWarning>
              {age}
            </time>
            <span className="sr-only"> ({exact})</span>
          </span>
        )}
        {/* The server never renders a fetch in flight; hydration must match it. */}
        {refreshing && isClient && <span className="text-slate-600">· checking…</span>}
      </p>
      {(stale || discordBusy) && <p className="text-amber-900">Discord is rate-limiting; your page stays usable and refreshes by itself.</p>}
    </div>
  );
}
