import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import type { ActionContext } from "@/lib/actions/context";
import { actionPolicy } from "@/lib/actions/policy";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import { auditJson } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { tournamentRosterLockScript } from "@/lib/redis/scripts/tournament-roster-lock";
import { requireAhead } from "./checks";
import { formatUtc } from "./format";
import type { RosterLockInput } from "./input";
import { allRosters, type RosterLockRecord } from "./records";
import { requireTournamentAdmin } from "./require-admin";

/**
 * A tournament admin locks one team's roster, or every roster (a match
 * day), until a time or until unlocked. Locking again replaces the lock.
 */
export function lockRoster(context: ActionContext, user: SessionActor, input: RosterLockInput): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    await requireTournamentAdmin(context, user);
    const now = context.now();
    const until = input.until ?? null;
    if (until !== null) requireAhead("until", until, now);
    const team = await lockedTeam(context, input.teamId);
    const lock: RosterLockRecord = { until, reason: input.reason, byId: user.id, byName: user.name.slice(0, 100), at: now };
    const end = until === null ? "until unlocked" : `until ${formatUtc(until)}`;
    await write(context, user, team, JSON.stringify(lock), "roster.lock", `${input.reason}; ${end}`);
    const whose = team === null ? "Every roster is" : `${team.name}'s roster is`;
    return { ok: true, applied: true, teamId: team?.id ?? null, message: `${whose} locked ${end}.` };
  });
}

/** A tournament admin lifts the lock on one team's roster, or the one on every roster. */
export function unlockRoster(context: ActionContext, user: SessionActor, teamId: string | undefined): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    await requireTournamentAdmin(context, user);
    const team = await lockedTeam(context, teamId);
    const applied = await write(context, user, team, "", "roster.unlock", null);
    const whose = team === null ? "every roster" : `${team.name}'s roster`;
    return { ok: true, applied, teamId: team?.id ?? null, message: applied ? `The lock on ${whose} is lifted.` : `There was no lock on ${whose}.` };
  });
}

/** The team a lock is about (null: every roster); an unknown team is refused naming the field. */
async function lockedTeam(context: ActionContext, teamId: string | undefined): Promise<{ id: string; name: string } | null> {
  if (teamId === undefined) return null;
  const name = await context.redis.hget(context.keys.team(teamId), "name");
  if (name === null) throw new ApiError("team_not_found", "This team does not exist (it may have been disbanded).", { field: "teamId" });
  return { id: teamId, name };
}

async function write(context: ActionContext, user: SessionActor, team: { id: string; name: string } | null, lock: string, action: "roster.lock" | "roster.unlock", detail: string | null): Promise<boolean> {
  const entry = auditJson(
    { actorId: user.id, actorName: user.name.slice(0, 100), action, teamId: team?.id ?? null, teamName: team?.name ?? "every roster", targetId: null, detail },
    context.now(),
  );
  const reply = await runScript(context.redis, tournamentRosterLockScript, {
    keys: { locksKey: context.keys.rosterLocks, auditKey: context.keys.audit },
    args: { field: team?.id ?? allRosters, lock, entry, auditEntriesMax: actionPolicy.auditEntriesMax },
  });
  return reply === "ok";
}
