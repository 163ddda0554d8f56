"use client";

import type { ActionResult } from "@/lib/api/answer";

/** The outcome of the last action: the server's sentence, announced to screen readers. */
export function ActionStatus({ error, result }: { error: Error | null; result: ActionResult | undefined }) {
  if (error) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-800 ring-1 ring-red-200">
        {error.message}
      </p>
    );
  }
  return (
    <p role="status" className="min-h-5 text-sm text-slate-700">
      {result?.message ?? ""}
    </p>
  );
}
