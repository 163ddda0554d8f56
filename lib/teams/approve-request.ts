import "server-only";
import { freshActor, freshRoles, grant, revoke, rolesAfter, type Actor, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { subjects, type HeldSubjects } from "@/lib/actions/locks";
import { runExclusive, runSaga } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import type { OverrideInput } from "@/lib/tournament/input";
import { requireRosterMove, transferCommitFor, withOverrideNote, type RosterMove } from "@/lib/tournament/rules";
import type { TeamContext } from "./context";
import { dropRequest } from "./drop-request";
import { done, teamAudit } from "./outcome";
import { knownRoles, requireKnownManage, requireManage, requireTeam } from "./rights";
import { createTeamStore } from "./store";
import { requireSafeTeamRole } from "./team-role";

/**
 * Puts a player who asked on the roster: the team's role and the player
 * role given, free agent taken away. The player's roles are read fresh
 * before anything is given. The transfer window, roster locks and the
 * season's change limit apply, unless a tournament admin overrides them
 * with a reason. Refusals count against the caller.
 */
export function approveRequest(context: TeamContext, user: SessionActor, teamId: string, userId: string, override?: OverrideInput): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => approve(context, user, teamId, userId, override));
}

async function approve(context: TeamContext, user: SessionActor, teamId: string, userId: string, override: OverrideInput | undefined): Promise<ActionResult> {
  const store = createTeamStore(context.redis, context.keys);
  const known = await requireTeam(context, teamId);
  await requireKnownManage(context, user, known);
  if ((await store.teamOf(userId)) === teamId) return done(false, teamId, "This player is already on the roster.");
  if (!(await store.hasRequest(teamId, userId))) throw new ApiError("no_request", "There is no pending request from this player.");
  // A role made on Discord is judged again before the bot hands it out: it may have gained a permission since it was marked.
  if (known.adopted) await requireSafeTeamRole(context, teamId);
  const knownAdmin = override !== undefined && (await knownRoles(context, user)).includes(context.roleIds.tournamentAdmin);
  await requireRosterMove(context, { teamId, kind: "join", actor: { id: user.id, isAdmin: knownAdmin }, override });
  await admitDiscordAction(context, user.id);
  return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async (held) => {
    const actor = await freshActor(context, user);
    return approveHolding(context, held, actor, user, { teamId, kind: "join", actor, override }, userId);
  });
}

/** The approval under the team's and the player's locks, judged again from fresh roles. */
async function approveHolding(context: TeamContext, held: HeldSubjects, actor: Actor, user: SessionActor, move: RosterMove, userId: string): Promise<ActionResult> {
  const ids = context.roleIds;
  const teamId = move.teamId;
  const store = createTeamStore(context.redis, context.keys);
  const team = await requireTeam(context, teamId);
  requireManage(context, actor, team);
  await requireRosterMove(context, move);
  const currentTeam = await store.teamOf(userId);
  if (currentTeam === teamId) return done(false, teamId, "This player is already on the roster.");
  if (!(await store.hasRequest(teamId, userId))) throw new ApiError("no_request", "There is no pending request from this player.");
  if (currentTeam !== null) {
    await dropRequest(context, teamId, userId, teamAudit(user, "team.decline", team, userId, "joined another team"));
    throw new ApiError("in_team", "This player has joined another team since asking.");
  }
  const members = await store.members(teamId);
  if (members.length >= context.rosterMax) throw new ApiError("full", `The roster is full (${context.rosterMax} players).`);
  const targetRoles = userId === actor.id ? actor.roles : await freshRoles(context, userId);
  if (targetRoles === null) {
    await dropRequest(context, teamId, userId, teamAudit(user, "team.decline", team, userId, "left the Discord server"));
    throw new ApiError("player_left_server", "This player has left the Discord server.");
  }
  if (targetRoles.includes(ids.player) || targetRoles.includes(ids.teamManager)) throw new ApiError("in_team", "This player is already in a team on Discord.");
  const steps = [...grant(targetRoles, userId, teamId), ...grant(targetRoles, userId, ids.player), ...revoke(targetRoles, userId, ids.freeAgent)];
  await runSaga(context, held, {
    settlement: "undo",
    subjects: held.subjects,
    steps,
    commit: { kind: "join", teamId, userId, rosterMax: context.rosterMax, ...(await transferCommitFor(context, move)) },
    audit: teamAudit(user, "team.approve", team, userId, withOverrideNote(`roster ${members.length + 1}/${context.rosterMax}`, move)),
  });
  await context.roleCache.writeThrough(userId, rolesAfter(targetRoles, steps, userId, null));
  return done(true, teamId, "The player joined the team.");
}
