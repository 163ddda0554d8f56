import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import type { ActionContext } from "@/lib/actions/context";
import { actionPolicy } from "@/lib/actions/policy";
import type { ActionResult } from "@/lib/api/answer";
import { auditJson, type AuditInput } from "@/lib/audit/log";
import { runScript } from "@/lib/redis/lua-script";
import { tournamentWindowSetScript } from "@/lib/redis/scripts/tournament-window-set";
import { refuse, requireAhead } from "./checks";
import { formatUtc } from "./format";
import type { WindowChangeInput } from "./input";
import { requireTournamentAdmin } from "./require-admin";

type WindowScriptChange = "open" | "close" | "schedule-open" | "schedule-close" | "cancel-open" | "cancel-close";

/**
 * A tournament admin opens or closes the transfer window now, or schedules
 * it (`at`). Opening or closing now is announced in the transactions
 * channel in the same step as its audit entry; a scheduled change is
 * announced when its time has come, by the first read after it.
 */
export function changeWindow(context: ActionContext, user: SessionActor, input: WindowChangeInput): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    await requireTournamentAdmin(context, user);
    const opening = input.change === "open";
    if (input.at === undefined) {
      const action = opening ? "window.open" : "window.close";
      const applied = await run(context, user, opening ? "open" : "close", null, entry(user, action, null));
      const state = opening ? "open" : "closed";
      return answer(applied, applied ? `The transfer window is ${state}.` : `The transfer window is already ${state}.`);
    }
    requireAhead("at", input.at, context.now());
    const when = formatUtc(input.at);
    const detail = `${opening ? "opens" : "closes"} at ${when}`;
    await run(context, user, opening ? "schedule-open" : "schedule-close", input.at, entry(user, "window.schedule", detail));
    return answer(true, `The transfer window ${detail}.`);
  });
}

/** A tournament admin cancels the scheduled opening or closing. */
export function cancelWindowChange(context: ActionContext, user: SessionActor, change: WindowChangeInput["change"]): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    await requireTournamentAdmin(context, user);
    const noun = change === "open" ? "opening" : "closing";
    const applied = await run(context, user, change === "open" ? "cancel-open" : "cancel-close", null, entry(user, "window.schedule", `scheduled ${noun} cancelled`));
    return answer(applied, applied ? `The scheduled ${noun} is cancelled.` : `No ${noun} was scheduled.`);
  });
}

async function run(context: ActionContext, user: SessionActor, change: WindowScriptChange, at: number | null, auditEntry: AuditInput): Promise<boolean> {
  const now = context.now();
  const keys = context.keys;
  const reply = await runScript(context.redis, tournamentWindowSetScript, {
    keys: { windowKey: keys.transferWindow, auditKey: keys.audit, outboxKey: keys.outbox },
    args: {
      now,
      announce: context.announceChanges === true ? "1" : "0",
      auditEntriesMax: actionPolicy.auditEntriesMax,
      change,
      at: at ?? "",
      byId: user.id,
      byName: user.name.slice(0, 100),
      entry: auditJson(auditEntry, now),
    },
  });
  if (reply === "past") refuse("at", "This time has passed: pick one in the future.");
  return reply === "ok";
}

function entry(user: SessionActor, action: AuditInput["action"], detail: string | null): AuditInput {
  return { actorId: user.id, actorName: user.name.slice(0, 100), action, teamId: null, teamName: null, targetId: null, detail };
}

function answer(applied: boolean, message: string): ActionResult {
  return { ok: true, applied, teamId: null, message };
}
