"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ActionResult } from "@/lib/api/answer";
import { myTeamQueryKey, runTeamAction, teamsQueryKey, type TeamAction } from "./teams-client";
import { useWithTransferOverride } from "./transfer-override";

/**
 * Runs team actions one at a time from a component: while one is in flight
 * its buttons are disabled (a double click sends one request, and the server
 * would answer a second with `applied: false` anyway). On success the team
 * lists are re-read and `onDone` lets the page re-read the user's roles,
 * which the server has already written through.
 */
export function useTeamAction(onDone?: (result: ActionResult) => unknown) {
  const queryClient = useQueryClient();
  const withOverride = useWithTransferOverride();
  const mutation = useMutation({
    mutationFn: (action: TeamAction) => runTeamAction(withOverride(action)),
    retry: false,
    onSuccess: async (result) => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: teamsQueryKey }), queryClient.invalidateQueries({ queryKey: myTeamQueryKey })]);
      await onDone?.(result);
    },
  });
  return {
    run: (action: TeamAction) => mutation.mutate(action),
    runAsync: (action: TeamAction) => mutation.mutateAsync(action),
    pending: mutation.isPending,
    /** Which action is in flight, so only its button says "working". */
    current: mutation.isPending ? mutation.variables : undefined,
    error: mutation.error,
    result: mutation.data,
    reset: mutation.reset,
  };
}
