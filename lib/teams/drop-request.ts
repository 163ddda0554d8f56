import "server-only";
import { actionPolicy } from "@/lib/actions/policy";
import { auditJson, requestStreamOf, type AuditInput } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { teamDropRequestScript } from "@/lib/redis/scripts/team-drop-request";
import type { TeamContext } from "./context";

/**
 * Drops a pending join request and audits it in one script; false when there
 * was none. A withdrawal goes to the request stream, as the request did; a
 * decline, the manager's act, to the main audit stream.
 */
export async function dropRequest(context: TeamContext, teamId: string, userId: string, entry: AuditInput): Promise<boolean> {
  const reply = await runScript(context.redis, teamDropRequestScript, {
    keys: {
      requestsKey: context.keys.requests(teamId),
      userRequestsKey: context.keys.userRequests,
      auditKey: entry.action === "team.withdraw" ? requestStreamOf(context.keys.audit) : context.keys.audit,
    },
    args: { teamId, userId, auditEntry: auditJson(entry, context.now()), auditEntriesMax: actionPolicy.auditEntriesMax },
  });
  if (reply !== "ok") return false;
  await context.notices?.teamChanged(teamId, [userId]);
  return true;
}
