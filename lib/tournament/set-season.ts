import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import type { ActionContext } from "@/lib/actions/context";
import { actionPolicy } from "@/lib/actions/policy";
import type { ActionResult } from "@/lib/api/answer";
import { auditJson } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { tournamentSeasonSetScript } from "@/lib/redis/scripts/tournament-season-set";
import { requireNear } from "./checks";
import { formatUtc } from "./format";
import type { SeasonInput } from "./input";
import { requireTournamentAdmin } from "./require-admin";

/**
 * A tournament admin sets the season's start and the roster changes each
 * team may make in it. A new start begins every team's count anew; a new
 * limit for the same start keeps the changes already made.
 */
export function setSeason(context: ActionContext, user: SessionActor, input: SeasonInput): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    await requireTournamentAdmin(context, user);
    const now = context.now();
    requireNear("startsAt", input.startsAt, now);
    const limit = input.changeLimit === null ? "no limit of roster changes" : `${input.changeLimit} roster changes per team`;
    const detail = `starts ${formatUtc(input.startsAt)}; ${limit}`;
    const entry = auditJson({ actorId: user.id, actorName: user.name.slice(0, 100), action: "season.set", teamId: null, teamName: null, targetId: null, detail }, now);
    const reply = await runScript(context.redis, tournamentSeasonSetScript, {
      keys: { seasonKey: context.keys.season, auditKey: context.keys.audit },
      args: { startsAt: input.startsAt, changeLimit: input.changeLimit ?? "", byId: user.id, entry, auditEntriesMax: actionPolicy.auditEntriesMax },
    });
    const applied = reply === "ok";
    return { ok: true, applied, teamId: null, message: applied ? `The season ${detail}.` : "The season was already set so." };
  });
}
