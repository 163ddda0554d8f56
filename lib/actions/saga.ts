import "server-only";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import { ApiError, retryAfterSecondsOf } from "@/lib/api/errors";
import { auditInputSchema, auditJson, type AuditInput } from "@/lib/audit/log";
import type { ChangeNotices } from "@/lib/events/change-notices";
import type { RoleIds } from "@/lib/roles/view";
import { commitSpecSchema, runCommit, type CommitRefusal, type CommitSpec } from "./commit";
import { GuildRejectedError, GuildUnavailableError, type GuildPort } from "./guild-port";
import type { ProductKeys } from "./keys";
import { withSubjects, type HeldSubjects } from "./locks";
import { scriptRefusalCodes } from "./refusals";
import { checkReplicated, outcomeUnsure, type ReplicationPolicy } from "./replication";

/** Stands for the id of the role a `create-role` step made, before it is known. */
export const createdRole = "created-role";

const stepSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("add-role"), userId: z.string(), roleId: z.string() }),
  z.object({ kind: z.literal("remove-role"), userId: z.string(), roleId: z.string() }),
  z.object({ kind: z.literal("create-role"), name: z.string() }),
  z.object({ kind: z.literal("delete-role"), roleId: z.string() }),
]);
export type Step = z.infer<typeof stepSchema>;

/**
 * How an action is settled when it fails half-way. `undo`: every Discord
 * step is reverted (each was planned only if it changes something, so its
 * inverse restores exactly what was there). `finish`: the action cannot be
 * reverted (a deleted role is gone), so the next attempt completes it.
 */
export type Settlement = "undo" | "finish";

const journalSchema = z.object({
  id: z.string(),
  subjects: z.array(z.string()),
  settlement: z.enum(["undo", "finish"]),
  steps: z.array(stepSchema),
  createdRoleId: z.string().nullable(),
  commit: commitSpecSchema,
  audit: auditInputSchema,
  startedAt: z.number(),
});
export type Journal = z.infer<typeof journalSchema>;

export type Plan = { settlement: Settlement; steps: Step[]; commit: CommitSpec; audit: AuditInput; subjects: readonly string[] };

export type SagaDeps = {
  redis: Redis;
  keys: ProductKeys;
  guild: GuildPort;
  log: Logger;
  now: () => number;
  roleIds: RoleIds;
  /** Tells open tabs what a committed action changed (lib/events); left out where nobody watches. */
  notices?: ChangeNotices;
  /** A transactions channel is configured: roster changes are announced there through the outbox (lib/transactions). */
  announceChanges?: boolean;
  /** How many Redis replicas must hold a journal and a commit before the action goes on (REDIS_WAIT_*); left out, none. */
  replication?: ReplicationPolicy;
};

/**
 * A step would give, take or delete a role that is not the bot's to manage.
 * Thrown before any step runs, so there is nothing to undo.
 */
export class ForeignRoleError extends ApiError {
  override name = "ForeignRoleError";
  constructor(readonly roleId: string) {
    super("role_not_allowed", "The dashboard only hands out its own roles and team roles, and this role is neither. Nothing was changed.");
  }
}

export type SagaResult = { createdRoleId: string | null };

/** What a commit refusal tells the user, and the form field it concerns; the Discord half was undone before this is thrown. */
const refusalMessages: Record<CommitRefusal, [string, field?: string]> = {
  "lost-lock": ["This change took too long and was undone. Please try again."],
  "name-taken": ["A team with this name, or one that looks the same, already exists. Pick another name.", "name"],
  "tag-taken": ["A team with this tag, or one that looks the same, already exists. Pick another tag.", "tag"],
  "gamer-tag-taken": ["Another player already uses this gamer tag, or one that looks the same. Pick another gamer tag.", "gamerTag"],
  "ea-fc-id-taken": ["This EA FC ID, or one that looks the same, is already on another player's profile. Check it, or ask a tournament admin if it is yours.", "eaFcId"],
  "in-team": ["This player is already in a team."],
  gone: ["This team no longer exists."],
  "no-request": ["There is no pending request from this player."],
  "no-offer": ["This offer is no longer open: it was withdrawn, or you joined a team."],
  "offer-expired": ["This offer has expired. Ask the team's manager for a new one."],
  full: ["The roster is full."],
  "not-member": ["This player is not on the team."],
  "is-manager": ["The manager cannot leave: hand over management or disband the team first."],
  "change-limit": ["This team has made every roster change the season allows, so nothing was changed. A tournament admin can override with a reason."],
  "window-closed": ["The transfer window closed while this change was being made, so it was undone."],
  "roster-locked": ["The roster was locked while this change was being made, so it was undone."],
  "not-manager": ["The team's manager changed in the meantime. Reload and try again."],
};

/**
 * Runs an action that changes both Discord and Redis so that it is never
 * left half-applied. A journal is written first; the Discord steps run; then
 * one Lua script records the result, closes the journal and appends the audit
 * entry atomically. On a failure the Discord steps are undone (or, for
 * `finish` actions, left for the retry to complete); if even that fails, the
 * journal stays and the next action on the same team or user settles it.
 *
 * Acknowledged means replicated (`deps.replication`): the journal must reach
 * the replicas before Discord is touched, and the commit before the action
 * answers success. A failover can then lose at most a commit that was never
 * acknowledged, and the promoted replica still holds that action's journal:
 * the next action on the same subjects undoes or finishes it, exactly as
 * after a crash of the app between its Discord half and its commit. So a
 * commit no replica confirmed is answered `outcome_unsure` (it may or may not
 * stand), never success, and never undone here: on a healthy primary it does
 * stand.
 */
export async function runSaga(deps: SagaDeps, held: HeldSubjects, plan: Plan): Promise<SagaResult> {
  const journal: Journal = {
    id: randomUUID(),
    subjects: [...plan.subjects],
    settlement: plan.settlement,
    steps: plan.steps,
    createdRoleId: null,
    commit: plan.commit,
    audit: plan.audit,
    startedAt: deps.now(),
  };
  await saveJournal(deps, journal);
  await requireJournalReplicated(deps, journal);
  try {
    await applySteps(deps, journal);
  } catch (error) {
    if (error instanceof ForeignRoleError) {
      await deps.redis.hdel(deps.keys.journals, journal.id);
      throw error;
    }
    await settleAfterFailure(deps, journal);
    throw discordFailure(error, journal.settlement);
  }
  let outcome: "ok" | CommitRefusal;
  try {
    outcome = await commit(deps, held, journal);
  } catch (error) {
    // No answer is not a "no": the script may have run before the connection dropped or the command timed out.
    const ran = await commitRanAfterAll(deps, held, journal);
    if (ran === "unknown") {
      deps.log.error({ err: error, journal: journal.id }, "the Redis half of an action got no answer and Redis cannot tell whether it ran; the journal settles it at the next action");
      throw outcomeUnsure();
    }
    if (ran === "no") {
      deps.log.error({ err: error, journal: journal.id }, "the Redis half of an action failed after its Discord half");
      await settleAfterFailure(deps, journal);
      throw new ApiError("storage_unavailable", "We could not save the change, so it was undone. Please try again in a moment.", { retryAfterSeconds: 2 });
    }
    deps.log.warn({ err: error, journal: journal.id }, "the Redis half of an action ran although its answer was lost");
    outcome = "ok";
  }
  if (outcome !== "ok") {
    const [message, field] = refusalMessages[outcome];
    if (journal.settlement === "finish") throw new ApiError(scriptRefusalCodes[outcome], message);
    await settleAfterFailure(deps, journal);
    throw new ApiError(scriptRefusalCodes[outcome], message, field === undefined ? {} : { field, fieldErrors: { [field]: message } });
  }
  const replicated = await checkReplicated(deps, "commit");
  if (!replicated.ok) {
    deps.log.warn(
      { journal: journal.id, action: journal.audit.action, confirmed: replicated.confirmed, wanted: replicated.wanted },
      "an action committed but no replica confirmed it in time; answered outcome_unsure (after a failover its replicated journal settles it)",
    );
    // Open tabs are told anyway: the primary holds the change now, and a tab reloads what stands. The answer stays outcome_unsure even if Redis is gone by now.
    await deps.notices?.committed(journal).catch(() => undefined);
    throw outcomeUnsure();
  }
  await deps.notices?.committed(journal);
  return { createdRoleId: journal.createdRoleId };
}

/**
 * Settles journals left by earlier actions on any subject this action holds:
 * undoes or finishes them before this action looks at the state. A journal
 * that also names a subject someone else holds right now is left for later.
 */
export async function settleLeftovers(deps: SagaDeps, held: HeldSubjects): Promise<void> {
  const rows = await deps.redis.hgetall(deps.keys.journals);
  for (const [id, raw] of Object.entries(rows)) {
    const journal = parseJournal(raw);
    if (!journal) {
      deps.log.error({ journal: id }, "dropping a journal that does not parse");
      await deps.redis.hdel(deps.keys.journals, id);
      continue;
    }
    if (!journal.subjects.some((subject) => held.holds(subject))) continue;
    let mine = true;
    for (const subject of journal.subjects) mine = mine && (await held.tryAdd(subject));
    if (!mine) continue;
    deps.log.warn({ journal: id, settlement: journal.settlement, action: journal.audit.action }, "settling an action left half-done");
    try {
      await refuseForeignRoles(deps, journal);
    } catch (error) {
      if (!(error instanceof ForeignRoleError)) throw error;
      deps.log.error({ journal: id, roleId: error.roleId }, "dropping a journal whose steps touch a role that is not the bot's to manage");
      await deps.redis.hdel(deps.keys.journals, journal.id);
      continue;
    }
    if (journal.settlement === "undo") {
      await undoSteps(deps, journal);
      await deps.redis.hdel(deps.keys.journals, journal.id);
      continue;
    }
    try {
      await applySteps(deps, journal);
    } catch (error) {
      throw discordFailure(error, "finish");
    }
    const outcome = await commit(deps, held, journal);
    if (outcome !== "ok") {
      deps.log.error({ journal: id, outcome }, "a finishing commit was refused; dropping its journal");
      await deps.redis.hdel(deps.keys.journals, journal.id);
      continue;
    }
    // Nobody is answered for this commit; if a failover loses it, the journal (replicated before) is settled again.
    const replicated = await checkReplicated(deps, "commit");
    if (!replicated.ok) deps.log.warn({ journal: id, confirmed: replicated.confirmed, wanted: replicated.wanted }, "a finishing commit was not confirmed by a replica in time");
    await deps.notices?.committed(journal);
  }
}

/**
 * Runs an action holding the locks of its subjects, after settling whatever
 * an earlier, interrupted action left on them.
 */
export async function runExclusive<T>(deps: SagaDeps, wanted: readonly string[], action: (held: HeldSubjects) => Promise<T>): Promise<T> {
  return withSubjects(deps.redis, deps.keys, wanted, async (held) => {
    await settleLeftovers(deps, held);
    return action(held);
  });
}

/** Open journals, for the admin health panel. */
export async function countOpenJournals(redis: Redis, keys: ProductKeys): Promise<number> {
  return redis.hlen(keys.journals);
}

/** Team ids with an open journal, so pages can say a change is still settling. */
export async function teamsWithOpenJournals(redis: Redis, keys: ProductKeys): Promise<Set<string>> {
  const rows = await redis.hvals(keys.journals);
  const teams = new Set<string>();
  for (const raw of rows) {
    const journal = parseJournal(raw);
    for (const subject of journal?.subjects ?? []) if (subject.startsWith("team:")) teams.add(subject.slice("team:".length));
  }
  return teams;
}

async function commit(deps: SagaDeps, held: HeldSubjects, journal: Journal): Promise<"ok" | CommitRefusal> {
  const at = deps.now();
  const audit = { ...journal.audit, teamId: journal.audit.teamId ?? journal.createdRoleId };
  return runCommit(deps.redis, deps.keys, journal.commit, {
    fence: held.fenceFor(journal.subjects),
    journalId: journal.id,
    auditJson: auditJson(audit, at),
    createdRoleId: journal.createdRoleId,
    now: at,
    announce: deps.announceChanges === true,
  });
}

/**
 * Whether a commit whose answer was lost ran: its journal is closed only by
 * the commit itself while the action holds its locks (anyone settling
 * journals must hold them too), so a closed journal under locks still held
 * means it ran, and an open one that it did not. "unknown" when Redis cannot
 * be asked or the locks are gone.
 */
async function commitRanAfterAll(deps: SagaDeps, held: HeldSubjects, journal: Journal): Promise<"yes" | "no" | "unknown"> {
  const fence = held.fenceFor(journal.subjects);
  try {
    const [firstOwner, secondOwner, open] = await Promise.all([
      deps.redis.get(fence.keys[0]),
      deps.redis.get(fence.keys[1]),
      deps.redis.hexists(deps.keys.journals, journal.id),
    ]);
    if (firstOwner !== fence.owners[0] || secondOwner !== fence.owners[1]) return "unknown";
    return open === 1 ? "no" : "yes";
  } catch {
    return "unknown";
  }
}

async function saveJournal(deps: SagaDeps, journal: Journal): Promise<void> {
  await deps.redis.hset(deps.keys.journals, journal.id, JSON.stringify(journal));
}

/**
 * Refuses to touch Discord on a journal the replicas may not hold: a
 * failover would lose it, and with it the way to undo or finish the steps.
 * Nothing has changed yet, so the journal is dropped and the user may retry.
 */
async function requireJournalReplicated(deps: SagaDeps, journal: Journal): Promise<void> {
  const replicated = await checkReplicated(deps, "journal");
  if (replicated.ok) return;
  deps.log.warn({ journal: journal.id, action: journal.audit.action, confirmed: replicated.confirmed, wanted: replicated.wanted }, "no replica confirmed an action's journal in time; refused before any Discord call");
  await deps.redis.hdel(deps.keys.journals, journal.id).catch((error: unknown) => {
    deps.log.warn({ err: error, journal: journal.id }, "could not drop an unreplicated journal; settling it later undoes steps that never ran, which is harmless");
  });
  throw new ApiError("storage_unavailable", "We could not store the change safely, so nothing was changed. Please try again in a moment.", { retryAfterSeconds: 2 });
}

function parseJournal(raw: string): Journal | null {
  try {
    const parsed = journalSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function resolveRole(journal: Journal, roleId: string): string | null {
  return roleId === createdRole ? journal.createdRoleId : roleId;
}

/**
 * The one gate between a plan and Discord: the bot gives or takes only the
 * dashboard's everyday roles and team roles (a role with a team record, or
 * the one this very action created), and deletes only team roles. Whatever
 * role a planning bug or a forged journal names (a moderator's, the admin
 * role), it never reaches Discord.
 */
async function refuseForeignRoles(deps: SagaDeps, journal: Journal): Promise<void> {
  const ids = deps.roleIds;
  const everyday = new Set([ids.updatedProfile, ids.freeAgent, ids.player, ids.teamManager]);
  for (const step of journal.steps) {
    if (step.kind === "create-role") continue;
    const roleId = resolveRole(journal, step.roleId);
    if (roleId === null || roleId === journal.createdRoleId) continue;
    if (step.kind !== "delete-role" && everyday.has(roleId)) continue;
    if ((await deps.redis.exists(deps.keys.team(roleId))) === 1) continue;
    throw new ForeignRoleError(roleId);
  }
}

/** Runs every step in order; each is idempotent, so a retry may run them all again. */
async function applySteps(deps: SagaDeps, journal: Journal): Promise<void> {
  await refuseForeignRoles(deps, journal);
  for (const step of journal.steps) {
    switch (step.kind) {
      case "create-role": {
        if (journal.createdRoleId !== null) break;
        journal.createdRoleId = await deps.guild.createRole(step.name);
        // Recorded at once: if anything later fails, the undo must find this role to delete it.
        await saveJournal(deps, journal);
        // And replicated before going on: after a failover, a journal without the role would leave it behind.
        await requireCreatedRoleReplicated(deps, journal);
        break;
      }
      case "delete-role":
        await deps.guild.deleteRole(step.roleId);
        break;
      case "add-role": {
        const roleId = resolveRole(journal, step.roleId);
        if (roleId === null) break;
        const adding = deps.guild.addRole(step.userId, roleId);
        // Finishing a disband must not stall on a member who has left the server since.
        await (journal.settlement === "finish" ? tolerateGoneMember(adding) : adding);
        break;
      }
      case "remove-role": {
        const roleId = resolveRole(journal, step.roleId);
        if (roleId !== null) await tolerateGoneMember(deps.guild.removeRole(step.userId, roleId));
        break;
      }
    }
  }
}

/** Reverts the steps last to first; a step that never ran is reverted harmlessly. */
async function undoSteps(deps: SagaDeps, journal: Journal): Promise<void> {
  await refuseForeignRoles(deps, journal);
  for (const step of [...journal.steps].reverse()) {
    switch (step.kind) {
      case "create-role":
        if (journal.createdRoleId !== null) await deps.guild.deleteRole(journal.createdRoleId);
        break;
      case "delete-role":
        throw new Error("a deleted role cannot be restored; such actions settle by finishing");
      case "add-role": {
        const roleId = resolveRole(journal, step.roleId);
        if (roleId !== null && roleId !== journal.createdRoleId) await tolerateGoneMember(deps.guild.removeRole(step.userId, roleId));
        break;
      }
      case "remove-role": {
        const roleId = resolveRole(journal, step.roleId);
        if (roleId !== null) await tolerateGoneMember(deps.guild.addRole(step.userId, roleId));
        break;
      }
    }
  }
}

/** Thrown from the steps, so the action is undone (the created role deleted) like any failed step. */
async function requireCreatedRoleReplicated(deps: SagaDeps, journal: Journal): Promise<void> {
  const replicated = await checkReplicated(deps, "journal");
  if (replicated.ok) return;
  deps.log.warn({ journal: journal.id, confirmed: replicated.confirmed, wanted: replicated.wanted }, "no replica confirmed the journal's created role in time; undoing the action");
  throw new ApiError("storage_unavailable", "We could not store the change safely, so it was undone. Please try again in a moment.", { retryAfterSeconds: 2 });
}

async function settleAfterFailure(deps: SagaDeps, journal: Journal): Promise<void> {
  if (journal.settlement === "finish") return;
  try {
    await undoSteps(deps, journal);
  } catch (error) {
    deps.log.error({ err: error, journal: journal.id }, "could not undo a failed action; the next action on it will");
    return;
  }
  await deps.redis.hdel(deps.keys.journals, journal.id).catch((error: unknown) => {
    deps.log.error({ err: error, journal: journal.id }, "could not close an undone journal; undoing it again later is harmless");
  });
}

/** A member who left the server has no roles to take away or give back. */
async function tolerateGoneMember(change: Promise<void>): Promise<void> {
  try {
    await change;
  } catch (error) {
    if (error instanceof GuildRejectedError && error.status === 404) return;
    throw error;
  }
}

function discordFailure(error: unknown, settlement: Settlement): Error {
  if (error instanceof GuildUnavailableError) {
    const retryAfterSeconds = retryAfterSecondsOf(error.retryAfterMs);
    return settlement === "undo"
      ? new ApiError("discord_unavailable", `Discord did not take the change, so nothing was changed. Please try again in ${retryAfterSeconds} s.`, { retryAfterSeconds })
      : new ApiError("discord_incomplete", `Discord is busy, so this is not finished yet. Try again in ${retryAfterSeconds} s to complete it.`, { retryAfterSeconds });
  }
  if (error instanceof GuildRejectedError) {
    return new ApiError("discord_rejected", "Discord refused this change. Reload the page: someone may have changed these roles on Discord.");
  }
  return error instanceof Error ? error : new Error(String(error));
}
