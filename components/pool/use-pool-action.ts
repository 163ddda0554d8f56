"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ActionResult } from "@/lib/api/answer";
import { myTeamQueryKey, teamsQueryKey } from "../teams/teams-client";
import { lookingQueryKey, myOffersQueryKey, poolQueryKey, runPoolAction, teamOffersQueryKey, type PoolAction } from "./pool-client";

/**
 * Runs pool and offer actions one at a time from a component, as
 * useTeamAction does for teams: buttons wait while one is in flight, and on
 * success the pool, the offers and the team lists are re-read.
 */
export function usePoolAction(onDone?: (result: ActionResult, action: PoolAction) => unknown) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: runPoolAction,
    retry: false,
    onSuccess: async (result, action) => {
      await Promise.all(
        [poolQueryKey, lookingQueryKey, myOffersQueryKey, teamOffersQueryKey, teamsQueryKey, myTeamQueryKey].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
      await onDone?.(result, action);
    },
  });
  return {
    run: (action: PoolAction) => mutation.mutate(action),
    pending: mutation.isPending,
    current: mutation.isPending ? mutation.variables : undefined,
    error: mutation.error,
    result: mutation.data,
  };
}
