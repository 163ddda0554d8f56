"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { TeamRoleOption } from "@/lib/teams/answer";
import { ActionStatus } from "../teams/action-status";
import { secondaryButtonClass } from "../ui/styles";
import { markTeamRole } from "./admin-client";

/**
 * Roles made on Discord that may become teams: they grant no permission,
 * belong to no integration and sit below the bot. The dashboard treats no
 * other role as a team's; marking one is judged again, fresh, by the server.
 * Its holders are on the roster: at once while the Gateway mirror is live, else when they next open the dashboard.
 */
export function TeamRoles({ roles }: { roles: TeamRoleOption[] }) {
  const router = useRouter();
  const mutation = useMutation({ mutationFn: markTeamRole, retry: false, onSuccess: () => router.refresh() });
  return (
    <div className="flex flex-col gap-3">
      {roles.length === 0 ? (
        <p className="text-sm text-slate-600">No other role on the server can be a team (a team role grants no permission and sits below the bot).</p>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-200" aria-label="Roles that can be teams">
          {roles.map((role) => (
            <li key={role.id} className="flex flex-wrap items-center justify-between gap-3 py-2" data-team-role={role.name}>
              <div className="min-w-0">
                <p className="font-medium text-slate-900">{role.name}</p>
                <p className="text-sm text-slate-600">{role.marked ? "Marked as a team: whoever holds this role on Discord is on its roster." : `Role ${role.id}`}</p>
              </div>
              {!role.marked && (
                <button
                  type="button"
                  className={secondaryButtonClass}
                  disabled={mutation.isPending}
                  onClick={() => mutation.mutate(role.id)}
                  aria-label={`Mark as a team: ${role.name}`}
                >
                  Mark as a team
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ActionStatus pending={mutation.isPending} error={mutation.error} result={mutation.data} />
    </div>
  );
}
