"use client";

import { useQuery } from "@tanstack/react-query";
import { Skeleton } from "../ui/skeleton";
import { JoinRequests } from "./join-requests";
import { fetchMyTeam, myTeamQueryKey, teamsStaleTimeMs } from "./teams-client";
import { TeamRoster } from "./team-roster";

function useMyTeam() {
  return useQuery({ queryKey: myTeamQueryKey, queryFn: ({ signal }) => fetchMyTeam(signal), staleTime: teamsStaleTimeMs });
}

/** The signed-in user's team roster (team-manager and player views). */
export function MyTeamRoster({ onRolesChanged }: { onRolesChanged: () => unknown }) {
  const myTeam = useMyTeam();
  if (myTeam.isPending) return <Skeleton label="Loading your team…" />;
  if (myTeam.isError) return <p role="alert" className="text-sm text-red-700">{myTeam.error.message}</p>;
  const { team, canManage, viewerId } = myTeam.data;
  if (!team) return <p className="text-sm text-slate-600">We can&apos;t find your team yet. Discord may still be updating; reload in a moment.</p>;
  return <TeamRoster team={team} canManage={canManage} viewerId={viewerId} onChanged={onRolesChanged} />;
}

/** Pending requests to the signed-in manager's team. */
export function MyJoinRequests() {
  const myTeam = useMyTeam();
  const team = myTeam.data?.team;
  if (!team || !myTeam.data?.canManage) return null;
  return <JoinRequests team={team} onChanged={() => undefined} />;
}
