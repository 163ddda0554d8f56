"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { lookingAction } from "@/lib/pool/looking-action";
import { ActionStatus } from "../teams/action-status";
import { secondaryButtonClass } from "../ui/styles";
import { useScriptsRunning } from "../ui/use-scripts-running";
import { fetchLooking, lookingQueryKey } from "./pool-client";
import { usePoolAction } from "./use-pool-action";
import { useButtonFallback } from "../ui/use-button-fallback";

/**
 * The free agent's "looking for a team" switch: on, managers find them in
 * the pool and may offer a place. With scripts a change applies at once;
 * before they run, or without JavaScript, it is a form with a Save button
 * posting to the switch's server action.
 */
export function LookingSwitch() {
  const looking = useQuery({ queryKey: lookingQueryKey, queryFn: ({ signal }) => fetchLooking(signal), staleTime: 15_000 });
  const action = usePoolAction();
  const [refusal, formAction] = useButtonFallback(lookingAction);
  const scripts = useScriptsRunning();
  const on = looking.data?.looking ?? false;
  return (
    <div className="flex flex-col gap-2">
      <form action={formAction} onSubmit={(event) => event.preventDefault()} className="flex flex-wrap items-center gap-3">
        <label className="flex min-h-11 items-center gap-3 font-medium text-slate-900">
          <input
            type="checkbox"
            role="switch"
            name="looking"
            aria-checked={on}
            checked={on}
            disabled={looking.isPending || action.pending}
            onChange={(event) => action.run({ kind: "looking", looking: event.target.checked })}
            className="h-5 w-5 accent-emerald-700"
          />
          Looking for a team
        </label>
        {!scripts && (
          <button type="submit" className={secondaryButtonClass}>
            Save
          </button>
        )}
      </form>
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
      <ActionStatus pending={action.pending} error={action.error} result={action.result} refusal={refusal} />
    </div>
  );
}
