"use client";

import type { TeamDetail } from "@/lib/teams/answer";
import { teamButtonAction } from "@/lib/teams/team-button-action";
import { Avatar } from "../ui/avatar";
import { primaryButtonClass, secondaryButtonClass } from "../ui/styles";
import { ActionButtonForm } from "./action-button-form";
import { ActionStatus } from "./action-status";
import { useTeamAction } from "./use-team-action";
import { useButtonFallback } from "../ui/use-button-fallback";

/** Pending join requests with approve and decline; a full roster disables approving. */
export function JoinRequests({ team, onChanged }: { team: TeamDetail; onChanged: () => unknown }) {
  const action = useTeamAction(onChanged);
  const [refusal, formAction] = useButtonFallback(teamButtonAction);
  const full = team.roster.length >= team.rosterMax;
  // The status stays when the list empties, so the outcome of approving the last request is still announced.
  if (team.requests.length === 0) {
    return (
      <div className="flex flex-col gap-3">
        <p className="text-sm text-slate-600">No pending requests.</p>
        <ActionStatus pending={action.pending} error={action.error} result={action.result} refusal={refusal} />
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      {full && <p className="text-sm text-slate-700">The roster is full: remove a player before approving anyone.</p>}
      <ul className="flex flex-col divide-y divide-slate-200" aria-label={`Join requests for ${team.name}`}>
        {team.requests.map((request) => (
          <li key={request.userId} className="flex flex-wrap items-center justify-between gap-3 py-2" data-request={request.name}>
            <div className="flex min-w-0 items-center gap-3">
              <Avatar src={request.avatarUrl} />
              <div className="min-w-0">
                <p className="font-medium text-slate-900">{request.name}</p>
                <p className="text-sm text-slate-600">{[request.gamerTag, request.position, request.platform].filter(Boolean).join(" · ") || "No profile yet"}</p>
              </div>
            </div>
            <div className="flex gap-2">
              <ActionButtonForm
                action={formAction}
                act={{ kind: "approve", teamId: team.id, userId: request.userId }}
                run={action.run}
                className={primaryButtonClass}
                disabled={action.pending || full}
                label={`Approve ${request.name}`}
              >
                Approve
              </ActionButtonForm>
              <ActionButtonForm
                action={formAction}
                act={{ kind: "decline", teamId: team.id, userId: request.userId }}
                run={action.run}
                className={secondaryButtonClass}
                disabled={action.pending}
                label={`Decline ${request.name}`}
              >
                Decline
              </ActionButtonForm>
            </div>
          </li>
        ))}
      </ul>
      <ActionStatus pending={action.pending} error={action.error} result={action.result} refusal={refusal} />
    </div>
  );
}
