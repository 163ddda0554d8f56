import "server-only";
import { readMirrorStatus } from "@/lib/gateway/status";
import type { TeamContext } from "../context";
import { createFollowContext } from "./context";
import { allMirroredRoles } from "./mirror-view";
import { followTeamRole } from "./reconcile";
import { syncMember } from "./sync-member";

/**
 * Right after an admin marks a role as a team's: while the Gateway mirror
 * is live, the role becomes a team with everyone who holds it on its
 * roster, as the next resync would make it. Returns false when the mirror
 * is not live (the holders then join as they open the dashboard, or at
 * the next resync).
 */
export async function followMarkedRole(context: TeamContext, roleId: string): Promise<boolean> {
  if (!(await readMirrorStatus(context.redis, context.guildId)).live) return false;
  const follow = createFollowContext({ redis: context.redis, guildId: context.guildId, roleIds: context.roleIds, rosterMax: context.rosterMax, log: context.log, now: context.now, keys: context.keys, announceChanges: context.announceChanges });
  for (const [userId, roles] of await allMirroredRoles(follow)) if (roles.includes(roleId)) await syncMember(follow, userId);
  await followTeamRole(follow, roleId);
  return true;
}
