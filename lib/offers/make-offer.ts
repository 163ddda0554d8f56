import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import { actionPolicy } from "@/lib/actions/policy";
import { scriptRefusalCodes } from "@/lib/actions/refusals";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import { auditJson, requestStreamOf } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { offerMakeScript } from "@/lib/redis/scripts/offer-make";
import { done, teamAudit } from "@/lib/teams/outcome";
import { knownRoles, requireKnownManage, requireTeam } from "@/lib/teams/rights";
import { createTeamStore, type TeamRecord } from "@/lib/teams/store";
import { requireRosterMove } from "@/lib/tournament/rules";
import type { OfferContext } from "./context";
import { offerPolicy } from "./policy";
import { offerJson } from "./store";

/**
 * A manager (or a tournament admin) offers a free agent from the pool a
 * place on the team. Nothing changes on Discord until the player accepts,
 * so it is judged from what is known (the team's record, the caller's
 * cached roles) and written by one script; the acceptance judges the
 * roster, the window and the change limit again, then. Refusals count
 * against the caller.
 */
export function makeOffer(context: OfferContext, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => make(context, user, teamId, userId));
}

async function make(context: OfferContext, user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
  const team = await requireTeam(context, teamId);
  await requireKnownManage(context, user, team);
  if (userId === user.id) throw new ApiError("invalid_input", "You cannot offer a place to yourself.", { field: "userId" });
  const isAdmin = (await knownRoles(context, user)).includes(context.roleIds.tournamentAdmin);
  await requireRosterMove(context, { teamId, kind: "offer", actor: { id: user.id, isAdmin } });
  const store = createTeamStore(context.redis, context.keys);
  await store.rememberName(user.id, user.name);
  const now = context.now();
  const expiresAt = now + context.offerTtlMs;
  const reply = await runScript(context.redis, offerMakeScript, {
    keys: {
      teamKey: context.keys.team(teamId),
      membersKey: context.keys.members(teamId),
      teamOffersKey: context.keys.teamOffers(teamId),
      offersKey: context.keys.offers(userId),
      userTeamKey: context.keys.userTeam,
      poolKey: context.keys.pool,
      auditKey: requestStreamOf(context.keys.audit),
    },
    args: {
      teamId,
      userId,
      offerJson: offerJson({ teamId, offeredBy: user.id, offeredByName: user.name.slice(0, 100), at: now, expiresAt }),
      expiresAt,
      now,
      rosterMax: context.rosterMax,
      offersMax: offerPolicy.openOffersPerTeamMax,
      auditEntry: auditJson(teamAudit(user, "team.offer", team, userId, `expires ${new Date(expiresAt).toISOString()}`), now),
      auditEntriesMax: actionPolicy.auditEntriesMax,
    },
  });
  if (reply === "ok") await context.notices?.teamChanged(teamId, [userId]);
  return answerFor(reply, team);
}

/** The offer script's reply, as the manager reads it ("gone" when it answers none of the others). */
function answerFor(reply: unknown, team: TeamRecord): ActionResult {
  switch (reply) {
    case "ok":
      return done(true, team.id, "Offer sent. The player sees it on their dashboard.");
    case "exists":
      return done(false, team.id, "This player already has an open offer from your team.");
    case "in-team":
      throw new ApiError(scriptRefusalCodes["in-team"], "This player is already in a team.");
    case "not-looking":
      throw new ApiError(scriptRefusalCodes["not-looking"], "This player is not looking for a team: only players in the free-agent pool can be offered a place.");
    case "full":
      throw new ApiError(scriptRefusalCodes.full, `${team.name}'s roster is full.`);
    case "too-many-offers":
      throw new ApiError(scriptRefusalCodes["too-many-offers"], `Your team already has ${offerPolicy.openOffersPerTeamMax} open offers. Withdraw one first.`);
    default:
      throw new ApiError(scriptRefusalCodes.gone, "This team does not exist (it may have been disbanded).");
  }
}
