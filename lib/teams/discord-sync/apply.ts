import "server-only";
import { z } from "zod";
import type { HeldSubjects } from "@/lib/actions/locks";
import { subjects } from "@/lib/actions/locks";
import { actionPolicy } from "@/lib/actions/policy";
import { auditJson, madeOnDiscord, type AuditAction } from "@/lib/audit/log";
import { publishTeamChanged } from "@/lib/events/publish";
import { runScript } from "@/lib/redis/lua-script";
import { teamFollowDiscordScript } from "@/lib/redis/scripts/team-follow-discord";
import type { FollowContext } from "./context";

/** One change to a team's records, as team-follow-discord.lua applies it (only when it still changes something). */
export type FollowStep =
  | { op: "create"; name: string; normalised: string; tag: string; entry: string }
  | { op: "add"; u: string; entry: string }
  | { op: "remove"; u: string; entry: string }
  | { op: "manager"; u: string; entry: string }
  | { op: "disband"; entry: string };

/** The team lock was lost before the write: nothing was written, the change is followed again later. */
export class FollowLockLostError extends Error {
  override name = "FollowLockLostError";
}

const appliedSchema = z.array(z.number().int());

/** An audit entry for a change made on Discord. */
export function discordEntry(context: FollowContext, action: AuditAction, team: { id: string; name: string }, targetId: string | null, detail: string): string {
  return auditJson({ ...madeOnDiscord, action, teamId: team.id, teamName: team.name, targetId, detail }, context.now());
}

/**
 * Applies steps to one team whose lock `held` holds, and tells the open
 * tabs of everyone the applied steps concern. Returns the steps applied.
 */
export async function applyTeamSteps(context: FollowContext, held: HeldSubjects, teamId: string, steps: readonly FollowStep[], formerMembers: readonly string[] = []): Promise<FollowStep[]> {
  if (steps.length === 0) return [];
  const keys = context.keys;
  const fence = held.fenceFor([subjects.team(teamId)]);
  const reply = await runScript(context.redis, teamFollowDiscordScript, {
    keys: {
      lockKey: fence.keys[0],
      teamKey: keys.team(teamId),
      membersKey: keys.members(teamId),
      requestsKey: keys.requests(teamId),
      indexKey: keys.teamIndex,
      namesKey: keys.teamNames,
      tagsKey: keys.teamTags,
      userTeamKey: keys.userTeam,
      userRequestsKey: keys.userRequests,
      disbandedKey: keys.disbandedRoles,
      markedKey: keys.markedTeamRoles,
      auditKey: keys.audit,
      outboxKey: keys.outbox,
    },
    args: {
      teamId,
      lockOwner: fence.owners[0],
      steps: JSON.stringify(steps),
      now: context.now(),
      auditMax: actionPolicy.auditEntriesMax,
      announce: context.announceChanges ? "1" : "0",
    },
  });
  if (reply === "lost-lock") throw new FollowLockLostError(`the lock of team ${teamId} was lost`);
  const applied = appliedSchema.parse(JSON.parse(String(reply))).flatMap((index) => steps.slice(index - 1, index));
  if (steps.some((step) => step.op === "create") && !applied.some((step) => step.op === "create") && (await context.redis.exists(keys.team(teamId))) === 0) {
    context.log.warn({ teamId }, "a marked team role was not made a team: another team has its name, or it was disbanded");
  }
  if (applied.length > 0) {
    const touched = applied.flatMap((step) => ("u" in step && step.u !== "" ? [step.u] : []));
    const disbanded = applied.some((step) => step.op === "disband");
    context.log.info({ teamId, steps: applied.map((step) => step.op) }, "followed a team change made on Discord");
    await publishTeamChanged(context.redis, context.keys, teamId, disbanded ? [...touched, ...formerMembers] : touched, context.eventKeys);
  }
  return applied;
}
