"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ActionStatus } from "../teams/action-status";
import { fetchLooking, lookingQueryKey } from "./pool-client";
import { usePoolAction } from "./use-pool-action";

/** The free agent's "looking for a team" switch: on, managers find them in the pool and may offer a place. */
export function LookingSwitch() {
  const looking = useQuery({ queryKey: lookingQueryKey, queryFn: ({ signal }) => fetchLooking(signal), staleTime: 15_000 });
  const action = usePoolAction();
  const on = looking.data?.looking ?? false;
  return (
    <div className="flex flex-col gap-2">
      <label className="flex min-h-11 items-center gap-3 font-medium text-slate-900">
        <input
          type="checkbox"
          role="switch"
          aria-checked={on}
          checked={on}
          disabled={looking.isPending || action.pending}
          onChange={(event) => action.run({ kind: "looking", looking: event.target.checked })}
          className="h-5 w-5 accent-emerald-700"
        />
        Looking for a team
      </label>
      <p className="text-sm text-slate-600">
        {on ? "You are listed in the " : "Switch it on to be listed in the "}
        <Link href="/pool" className="underline">
          free-agent pool
        </Link>
        , where managers can offer you a place.
      </p>
      {looking.isError && (
        <p role="alert" className="text-sm text-red-700">
          {looking.error.message}
        </p>
      )}
      <ActionStatus pending={action.pending} error={action.error} result={action.result} />
    </div>
  );
}
