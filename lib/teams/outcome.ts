import type { SessionActor } from "@/lib/actions/actor";
import type { ActionResult } from "@/lib/api/answer";
import type { AuditInput } from "@/lib/audit/log";

/** A team action's answer; `applied: false` when the end state already held. */
export function done(applied: boolean, teamId: string | null, message: string): ActionResult {
  return { ok: true, applied, teamId, message };
}

/** A team action's audit entry, naming the team as it was when the action ran. */
export function teamAudit(
  actor: SessionActor,
  action: AuditInput["action"],
  team: { id: string | null; name: string | null },
  targetId: string | null,
  detail: string | null,
): AuditInput {
  return { actorId: actor.id, actorName: actor.name, action, teamId: team.id, teamName: team.name, targetId, detail };
}
