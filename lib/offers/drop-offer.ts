import "server-only";
import { actionPolicy } from "@/lib/actions/policy";
import { auditJson, requestStreamOf, type AuditInput } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { offerDropScript } from "@/lib/redis/scripts/offer-drop";
import type { OfferContext } from "./context";

/** Drops one offer from both sides and audits it in one script; false when there was none. */
export async function dropOffer(context: OfferContext, teamId: string, userId: string, entry: AuditInput): Promise<boolean> {
  const reply = await runScript(context.redis, offerDropScript, {
    keys: { offersKey: context.keys.offers(userId), teamOffersKey: context.keys.teamOffers(teamId), auditKey: requestStreamOf(context.keys.audit) },
    args: { teamId, userId, auditEntry: auditJson(entry, context.now()), auditEntriesMax: actionPolicy.auditEntriesMax },
  });
  if (reply !== "ok") return false;
  await context.notices?.teamChanged(teamId, [userId]);
  return true;
}
