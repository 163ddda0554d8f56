import "server-only";
import type { Redis } from "ioredis";
import { z } from "zod";
import { runScript, type LuaScript, type ScriptInput } from "@/lib/redis/lua-script";
import type { ActionCommitScript } from "@/lib/redis/scripts/action-commit-prelude";
import { teamCreateCommitScript } from "@/lib/redis/scripts/team-create-commit";
import { teamDisbandCommitScript } from "@/lib/redis/scripts/team-disband-commit";
import { teamJoinCommitScript } from "@/lib/redis/scripts/team-join-commit";
import { teamLeaveCommitScript } from "@/lib/redis/scripts/team-leave-commit";
import { profileCommitScript } from "@/lib/redis/scripts/profile-commit";
import { teamTransferCommitScript } from "@/lib/redis/scripts/team-transfer-commit";
import { teamTagKey, type ProductKeys } from "./keys";
import type { Fence } from "./locks";
import { actionPolicy } from "./policy";
import type { ScriptRefusal } from "./refusals";

/**
 * A roster change counted against the team's limit for the season (its id is
 * its start); `changeLimit: null` counts without a limit (none is set, or a
 * tournament admin overrode it). Left out before any season has started.
 */
const seasonChangeSchema = z.object({ id: z.string(), changeLimit: z.number().int().positive().nullable() });
export type SeasonChange = z.infer<typeof seasonChangeSchema>;

/** True when a tournament admin overrode the transfer window and roster locks; otherwise the commit judges them again. */
const transferOverrideSchema = z.literal(true).optional();

/**
 * The Redis half of an action, as data: it is stored in the action's journal
 * so that a retry can finish an interrupted action exactly as planned.
 * `teamId: null` on create means "the role the action created".
 */
export const commitSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("profile"), userId: z.string(), profileJson: z.string() }),
  z.object({ kind: z.literal("create-team"), userId: z.string(), name: z.string(), normalizedName: z.string(), tag: z.string() }),
  z.object({
    kind: z.literal("join"),
    teamId: z.string(),
    userId: z.string(),
    rosterMax: z.number().int(),
    /** What the join answers: the player's request (approved by the manager) or the team's offer (accepted by the player). */
    via: z.enum(["request", "offer"]).optional(),
    season: seasonChangeSchema.optional(),
    overridden: transferOverrideSchema,
  }),
  z.object({ kind: z.literal("leave"), teamId: z.string(), userId: z.string(), season: seasonChangeSchema.optional(), overridden: transferOverrideSchema }),
  z.object({ kind: z.literal("transfer"), teamId: z.string(), fromUserId: z.string(), toUserId: z.string() }),
  z.object({ kind: z.literal("disband"), teamId: z.string() }),
]);
export type CommitSpec = z.infer<typeof commitSpecSchema>;

/** Why a commit wrote nothing; each becomes a sentence for the user in the saga, and an error code (refusals.ts). */
export type CommitRefusal = Exclude<ScriptRefusal, "too-many" | "disbanded" | "not-looking" | "too-many-offers">;

/** `announce`: a transactions channel is configured, so a roster change's audit entry also goes to the outbox. */
type Frame = { fence: Fence; journalId: string; auditJson: string; createdRoleId: string | null; now: number; announce: boolean };

/** The commits the transactions channel announces; a profile is nobody else's business. */
const announcedKinds: ReadonlySet<CommitSpec["kind"]> = new Set(["create-team", "join", "leave", "transfer", "disband"]);

/** A commit script with its own inputs; the prelude's are added by `runCommit`. */
type PreparedCommit = { script: LuaScript; own: ScriptInput<string, string> };

function prepare<K extends string, A extends string>(script: ActionCommitScript<K, A>, own: ScriptInput<NoInfer<K>, NoInfer<A>>): PreparedCommit {
  return { script, own };
}

/** Runs the commit script of a spec; "ok" or the script's refusal. */
export async function runCommit(redis: Redis, keys: ProductKeys, spec: CommitSpec, frame: Frame): Promise<"ok" | CommitRefusal> {
  const { script, own } = prepareCommit(keys, spec, frame);
  const [firstLockKey, secondLockKey] = frame.fence.keys;
  const [firstLockOwner, secondLockOwner] = frame.fence.owners;
  const reply = await runScript(redis, script, {
    keys: { firstLockKey, secondLockKey, journalsKey: keys.journals, auditKey: keys.audit, outboxKey: keys.outbox, ...own.keys },
    args: {
      firstLockOwner,
      secondLockOwner,
      journalId: frame.journalId,
      auditEntry: frame.auditJson,
      auditEntriesMax: actionPolicy.auditEntriesMax,
      announce: frame.announce && announcedKinds.has(spec.kind) ? "1" : "0",
      ...own.args,
    },
  });
  return reply as "ok" | CommitRefusal;
}

/* Before any season has started, a change is not counted, and the key named is never written. */
function seasonChangeKeys(keys: ProductKeys, season: SeasonChange | undefined) {
  return { changesKey: keys.seasonChanges(season?.id ?? "none") };
}

function seasonChangeArgs(season: SeasonChange | undefined) {
  return { changeLimit: season?.changeLimit ?? 0, countsChange: season === undefined ? 0 : 1 };
}

function transferRulesKeys(keys: ProductKeys) {
  return { windowKey: keys.transferWindow, locksKey: keys.rosterLocks };
}

function prepareCommit(keys: ProductKeys, spec: CommitSpec, frame: Frame): PreparedCommit {
  switch (spec.kind) {
    case "profile":
      return prepare(profileCommitScript, {
        keys: { profileKey: keys.profile(spec.userId), gamerTagsKey: keys.gamerTags, eaFcIdsKey: keys.eaFcIds },
        args: { profileJson: spec.profileJson, userId: spec.userId },
      });
    case "create-team": {
      if (frame.createdRoleId === null) throw new Error("a team is committed only after its role was created");
      const teamId = frame.createdRoleId;
      return prepare(teamCreateCommitScript, {
        keys: {
          teamKey: keys.team(teamId),
          membersKey: keys.members(teamId),
          indexKey: keys.teamIndex,
          namesKey: keys.teamNames,
          userTeamKey: keys.userTeam,
          userRequestsKey: keys.userRequests,
          tagsKey: keys.teamTags,
        },
        args: { teamId, nameKey: spec.normalizedName, name: spec.name, tag: spec.tag, userId: spec.userId, now: frame.now, tagKey: teamTagKey(spec.tag) },
      });
    }
    case "join":
      return prepare(teamJoinCommitScript, {
        keys: {
          teamKey: keys.team(spec.teamId),
          membersKey: keys.members(spec.teamId),
          requestsKey: keys.requests(spec.teamId),
          userTeamKey: keys.userTeam,
          userRequestsKey: keys.userRequests,
          offersKey: keys.offers(spec.userId),
          poolKey: keys.pool,
          ...seasonChangeKeys(keys, spec.season),
          ...transferRulesKeys(keys),
        },
        args: {
          teamId: spec.teamId,
          userId: spec.userId,
          rosterMax: spec.rosterMax,
          now: frame.now,
          via: spec.via ?? "request",
          ...seasonChangeArgs(spec.season),
          enforceRules: spec.overridden ? 0 : 1,
        },
      });
    case "leave":
      return prepare(teamLeaveCommitScript, {
        keys: { teamKey: keys.team(spec.teamId), membersKey: keys.members(spec.teamId), userTeamKey: keys.userTeam, ...seasonChangeKeys(keys, spec.season), ...transferRulesKeys(keys) },
        args: { teamId: spec.teamId, userId: spec.userId, ...seasonChangeArgs(spec.season), enforceRules: spec.overridden ? 0 : 1, now: frame.now },
      });
    case "transfer":
      return prepare(teamTransferCommitScript, {
        keys: { teamKey: keys.team(spec.teamId), membersKey: keys.members(spec.teamId) },
        args: { fromUserId: spec.fromUserId, toUserId: spec.toUserId },
      });
    case "disband":
      return prepare(teamDisbandCommitScript, {
        keys: {
          teamKey: keys.team(spec.teamId),
          membersKey: keys.members(spec.teamId),
          requestsKey: keys.requests(spec.teamId),
          indexKey: keys.teamIndex,
          namesKey: keys.teamNames,
          userTeamKey: keys.userTeam,
          userRequestsKey: keys.userRequests,
          disbandedKey: keys.disbandedRoles,
          tagsKey: keys.teamTags,
          teamOffersKey: keys.teamOffers(spec.teamId),
        },
        args: { teamId: spec.teamId },
      });
  }
}
