import "server-only";
import { readAuditStream, type AuditAction, type AuditEntry } from "@/lib/audit/log";
import type { TeamHistoryEntry, TeamPage } from "./answer";
import type { TeamContext } from "./context";
import { person, people, teamDetail } from "./roster";
import { createTeamStore } from "./store";

/**
 * The audit entries a team's page shows as its transfer history: how it
 * began, who came and went, and who manages it. Requests and offers are
 * not moves, and live in the request stream anyway.
 */
const historyActions: ReadonlySet<AuditAction> = new Set(["team.create", "team.adopt", "team.mark", "team.approve", "team.offer-accept", "team.leave", "team.remove", "team.transfer"]);

/** Bounds of the history read: the newest this many audit entries are scanned, and at most this many of the team's are shown. */
export const teamHistoryPolicy = { scannedMax: 2_000, shownMax: 50 } as const;

/**
 * A team's page: its name, tag, manager, roster with profiles, and its
 * transfer history from the audit log (newest first, bounded); null for a
 * team that does not exist. Reads Redis only.
 */
export async function teamPage(context: TeamContext, teamId: string): Promise<TeamPage | null> {
  const team = await createTeamStore(context.redis, context.keys).team(teamId);
  if (!team) return null;
  const [detail, scanned] = await Promise.all([teamDetail(context, team, false, new Set()), readAuditStream(context.redis, context.keys.audit, teamHistoryPolicy.scannedMax)]);
  const ours = scanned.filter((entry) => entry.teamId === teamId && historyActions.has(entry.action));
  const shown = ours.slice(0, teamHistoryPolicy.shownMax);
  const found = await people(context, [...new Set(shown.map((entry) => entry.targetId).filter((id): id is string => id !== null))]);
  const manager = detail.roster.find((entry) => entry.role === "manager");
  const began = ours.some((entry) => entry.action === "team.create" || entry.action === "team.adopt" || entry.action === "team.mark");
  return {
    id: team.id,
    name: team.name,
    tag: team.tag,
    managerName: manager?.name ?? null,
    rosterMax: detail.rosterMax,
    roster: detail.roster,
    history: shown.map((entry) => historyEntry(entry, found)),
    historyTruncated: ours.length > shown.length || (!began && scanned.length >= teamHistoryPolicy.scannedMax),
  };
}

function historyEntry(entry: AuditEntry, found: Parameters<typeof person>[1]): TeamHistoryEntry {
  return {
    at: new Date(entry.at).toISOString(),
    action: entry.action,
    actorName: entry.actorName,
    targetName: entry.targetId === null ? null : person(entry.targetId, found).name,
    detail: entry.detail,
  };
}
