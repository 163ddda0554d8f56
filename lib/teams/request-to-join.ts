import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import { actionPolicy } from "@/lib/actions/policy";
import { scriptRefusalCodes } from "@/lib/actions/refusals";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError, retryAfterSecondsOf } from "@/lib/api/errors";
import { hitRateLimit } from "@/lib/api/rate-limit";
import { auditJson, requestStreamOf } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { teamRequestJoinScript } from "@/lib/redis/scripts/team-request-join";
import type { TeamContext } from "./context";
import { done, teamAudit } from "./outcome";
import { teamPolicy } from "./policy";
import { knownRoles, requireFreeAgent, requireTeam } from "./rights";
import { createTeamStore, type TeamRecord } from "./store";

/**
 * Filing a request changes nothing on Discord, so it is judged from the
 * caller's cached roles (read fresh only when there are none): a burst
 * of repeats spends no Discord call. The approval reads the player's
 * roles fresh before anything is given. Filing is limited per user, so
 * asking and withdrawing in a loop cannot flood the audit log. Refusals
 * count against the caller.
 */
export function requestToJoin(context: TeamContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => request(context, user, teamId));
}

async function request(context: TeamContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  const store = createTeamStore(context.redis, context.keys);
  const team = await requireTeam(context, teamId);
  if ((await store.teamOf(user.id)) !== null) throw new ApiError("in_team", "You are already in a team. Leave it first.");
  if (await store.hasRequest(teamId, user.id)) return done(false, teamId, `Your request to ${team.name} is already pending.`);
  const roles = await knownRoles(context, user);
  await requireFreeAgent(context, user.id, roles);
  const verdict = await hitRateLimit(context.redis, "joinRequests", user.id);
  if (!verdict.allowed) {
    const retryAfterSeconds = retryAfterSecondsOf(verdict.retryAfterMs);
    throw new ApiError("too_many_join_requests", `You have asked to join teams too often. Please wait ${Math.ceil(retryAfterSeconds / 60)} min.`, { retryAfterSeconds });
  }
  await store.rememberName(user.id, user.name);
  const reply = await runScript(context.redis, teamRequestJoinScript, {
    keys: {
      teamKey: context.keys.team(teamId),
      membersKey: context.keys.members(teamId),
      requestsKey: context.keys.requests(teamId),
      userTeamKey: context.keys.userTeam,
      userRequestsKey: context.keys.userRequests,
      auditKey: requestStreamOf(context.keys.audit),
    },
    args: {
      teamId,
      userId: user.id,
      rosterMax: context.rosterMax,
      userRequestsMax: teamPolicy.pendingRequestsPerUserMax,
      now: context.now(),
      auditEntry: auditJson(teamAudit(user, "team.request", team, user.id, null), context.now()),
      auditEntriesMax: actionPolicy.auditEntriesMax,
    },
  });
  if (reply === "ok") await context.notices?.teamChanged(teamId, [user.id]);
  return answerFor(reply, teamId, team);
}

/** The request script's reply, as the user reads it ("gone" when it answers none of the others). */
function answerFor(reply: unknown, teamId: string, team: TeamRecord): ActionResult {
  switch (reply) {
    case "ok":
      return done(true, teamId, `Request sent to ${team.name}.`);
    case "exists":
      return done(false, teamId, `Your request to ${team.name} is already pending.`);
    case "full":
      throw new ApiError(scriptRefusalCodes.full, `${team.name}'s roster is full.`);
    case "too-many":
      throw new ApiError(scriptRefusalCodes["too-many"], `You already have ${teamPolicy.pendingRequestsPerUserMax} open requests. Withdraw one first.`);
    case "in-team":
      throw new ApiError(scriptRefusalCodes["in-team"], "You are already in a team. Leave it first.");
    default:
      throw new ApiError(scriptRefusalCodes.gone, "This team does not exist (it may have been disbanded).");
  }
}
