import "server-only";
import type { Redis } from "ioredis";
import { z } from "zod";
import { runScript, type LuaScript } from "@/lib/redis/scripts";
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
 * The Redis half of an action, as data: it is stored in the action's journal
 * so that a retry can finish an interrupted action exactly as planned.
 * `teamId: null` on create means "the role the action created".
 */
export const commitSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("profile"), userId: z.string(), profileJson: z.string() }),
  z.object({ kind: z.literal("create-team"), userId: z.string(), name: z.string(), normalizedName: z.string(), tag: z.string() }),
  z.object({ kind: z.literal("join"), teamId: z.string(), userId: z.string(), rosterMax: z.number().int() }),
  z.object({ kind: z.literal("leave"), teamId: z.string(), userId: z.string() }),
  z.object({ kind: z.literal("transfer"), teamId: z.string(), fromUserId: z.string(), toUserId: z.string() }),
  z.object({ kind: z.literal("disband"), teamId: z.string() }),
]);
export type CommitSpec = z.infer<typeof commitSpecSchema>;

/** Why a commit wrote nothing; each becomes a sentence for the user in the saga, and an error code (refusals.ts). */
export type CommitRefusal = Exclude<ScriptRefusal, "too-many" | "disbanded">;

type Frame = { fence: Fence; journalId: string; auditJson: string; createdRoleId: string | null; now: number };

/** Runs the commit script of a spec; "ok" or the script's refusal. */
export async function runCommit(redis: Redis, keys: ProductKeys, spec: CommitSpec, frame: Frame): Promise<"ok" | CommitRefusal> {
  const [script, ownKeys, ownArgs] = scriptFor(keys, spec, frame);
  const reply = await runScript(
    redis,
    script,
    [...frame.fence.keys, keys.journals, keys.audit, ...ownKeys],
    [...frame.fence.owners, frame.journalId, frame.auditJson, actionPolicy.auditEntriesMax, ...ownArgs],
  );
  return reply as "ok" | CommitRefusal;
}

function scriptFor(keys: ProductKeys, spec: CommitSpec, frame: Frame): [LuaScript, string[], (string | number)[]] {
  switch (spec.kind) {
    case "profile":
      return [profileCommitScript, [keys.profile(spec.userId), keys.gamerTags, keys.eaFcIds], [spec.profileJson, spec.userId]];
    case "create-team": {
      if (frame.createdRoleId === null) throw new Error("a team is committed only after its role was created");
      const teamId = frame.createdRoleId;
      return [
        teamCreateCommitScript,
        [keys.team(teamId), keys.members(teamId), keys.teamIndex, keys.teamNames, keys.userTeam, keys.userRequests, keys.teamTags],
        [teamId, spec.normalizedName, spec.name, spec.tag, spec.userId, frame.now, teamTagKey(spec.tag)],
      ];
    }
    case "join":
      return [
        teamJoinCommitScript,
        [keys.team(spec.teamId), keys.members(spec.teamId), keys.requests(spec.teamId), keys.userTeam, keys.userRequests],
        [spec.teamId, spec.userId, spec.rosterMax, frame.now],
      ];
    case "leave":
      return [teamLeaveCommitScript, [keys.team(spec.teamId), keys.members(spec.teamId), keys.userTeam], [spec.teamId, spec.userId]];
    case "transfer":
      return [teamTransferCommitScript, [keys.team(spec.teamId), keys.members(spec.teamId)], [spec.fromUserId, spec.toUserId]];
    case "disband":
      return [
        teamDisbandCommitScript,
        [
          keys.team(spec.teamId),
          keys.members(spec.teamId),
          keys.requests(spec.teamId),
          keys.teamIndex,
          keys.teamNames,
          keys.userTeam,
          keys.userRequests,
          keys.disbandedRoles,
          keys.teamTags,
        ],
        [spec.teamId],
      ];
  }
}
