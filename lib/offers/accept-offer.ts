import "server-only";
import { freshActor, grant, revoke, rolesAfter, type Actor, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { subjects, type HeldSubjects } from "@/lib/actions/locks";
import { runExclusive, runSaga } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import { done, teamAudit } from "@/lib/teams/outcome";
import { requireTeam } from "@/lib/teams/rights";
import { createTeamStore } from "@/lib/teams/store";
import { requireSafeTeamRole } from "@/lib/teams/team-role";
import { requireRosterMove, transferCommitFor } from "@/lib/tournament/rules";
import type { OfferContext } from "./context";
import { createOfferStore } from "./store";

/**
 * The player accepts a team's offer, which is their join: the team's role
 * and the player role given, free agent taken, a place on the roster, in
 * one saga under the team's and the player's locks, as an approval is. The
 * roster's room and the transfer rules are judged now, at acceptance, not
 * when the offer was made; the commit script judges the offer, the roster
 * and the player's team last, atomically, so two acceptances (or an
 * acceptance and an approval) can never both place the player or overfill
 * the team. Refusals count against the caller.
 */
export function acceptOffer(context: OfferContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => accept(context, user, teamId));
}

/** The offer, judged from the records: there, not run out, and the player in no team. */
async function requireOpenOffer(context: OfferContext, userId: string, teamId: string): Promise<"open" | "joined"> {
  const teams = createTeamStore(context.redis, context.keys);
  const current = await teams.teamOf(userId);
  if (current === teamId) return "joined";
  const offer = await createOfferStore(context.redis, context.keys).offer(userId, teamId);
  if (offer === null) throw new ApiError("no_offer", "This offer is no longer open: it was withdrawn or declined.");
  if (offer.expiresAt <= context.now()) throw new ApiError("offer_expired", "This offer has expired. Ask the team's manager for a new one.");
  if (current !== null) throw new ApiError("in_team", "You are already in a team. Leave it first.");
  return "open";
}

async function accept(context: OfferContext, user: SessionActor, teamId: string): Promise<ActionResult> {
  const known = await requireTeam(context, teamId);
  if ((await requireOpenOffer(context, user.id, teamId)) === "joined") return done(false, teamId, `You are already on ${known.name}'s roster.`);
  await requireRosterMove(context, { teamId, kind: "join", actor: { id: user.id, isAdmin: false } });
  if (known.adopted) await requireSafeTeamRole(context, teamId);
  await admitDiscordAction(context, user.id);
  return runExclusive(context, [subjects.team(teamId), subjects.user(user.id)], async (held) => {
    const actor = await freshActor(context, user);
    return acceptHolding(context, held, actor, user, teamId);
  });
}

/** The acceptance under the team's and the player's locks, judged again from fresh roles. */
async function acceptHolding(context: OfferContext, held: HeldSubjects, actor: Actor, user: SessionActor, teamId: string): Promise<ActionResult> {
  const ids = context.roleIds;
  const team = await requireTeam(context, teamId);
  if ((await requireOpenOffer(context, actor.id, teamId)) === "joined") return done(false, teamId, `You are already on ${team.name}'s roster.`);
  const move = { teamId, kind: "join", actor: { id: actor.id, isAdmin: actor.isAdmin } } as const;
  await requireRosterMove(context, move);
  if (!actor.roles.includes(ids.updatedProfile)) throw new ApiError("profile_required", "Complete your player profile first.");
  if (actor.roles.includes(ids.player) || actor.roles.includes(ids.teamManager)) throw new ApiError("in_team", "You are already in a team on Discord.");
  const members = await createTeamStore(context.redis, context.keys).members(teamId);
  if (members.length >= context.rosterMax) throw new ApiError("full", `${team.name}'s roster is full (${context.rosterMax} players).`);
  const steps = [...grant(actor.roles, actor.id, teamId), ...grant(actor.roles, actor.id, ids.player), ...revoke(actor.roles, actor.id, ids.freeAgent)];
  await runSaga(context, held, {
    settlement: "undo",
    subjects: held.subjects,
    steps,
    commit: { kind: "join", teamId, userId: actor.id, rosterMax: context.rosterMax, via: "offer", ...(await transferCommitFor(context, move)) },
    audit: teamAudit(user, "team.offer-accept", team, actor.id, `roster ${members.length + 1}/${context.rosterMax}`),
  });
  await context.roleCache.writeThrough(actor.id, rolesAfter(actor.roles, steps, actor.id, null));
  return done(true, teamId, `You joined ${team.name}.`);
}
