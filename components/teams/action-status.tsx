"use client";

import type { ActionResult } from "@/lib/api/answer";

/**
 * The last action in words, announced to screen readers: "Working on it…"
 * while it runs, then the server's sentence (or what went wrong).
 */
export function ActionStatus({
  pending = false,
  error,
  result,
  refusal = null,
}: {
  pending?: boolean;
  error: Error | null;
  result: ActionResult | undefined;
  /** A press made without scripts that the server refused: its sentence, until the scripts run an action of their own. */
  refusal?: string | null;
}) {
  const refused = error?.message ?? (pending || result !== undefined ? null : refusal);
  if (refused && !pending) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-800 ring-1 ring-red-200">
        {refused}
      </p>
    );
  }
  return (
    <p role="status" className="min-h-5 text-sm text-slate-700">
      {pending ? "Working on it…" : (result?.message ?? "")}
    </p>
  );
}
