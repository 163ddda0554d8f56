import "server-only";
import { configuredRoleIds, getRoleService } from "@/lib/roles";
import { liveRolesOf, type LiveRoles } from "./live-roles";

/**
 * The user's roles as the role cache holds them, with the view they choose:
 * no Discord call, so a notice to many tabs costs Redis reads only. Null
 * when nothing is cached (the browser then asks `GET /api/roles`).
 */
export async function readCachedRoles(userId: string): Promise<LiveRoles | null> {
  const snapshot = await getRoleService().cached(userId);
  return snapshot ? liveRolesOf(snapshot, configuredRoleIds()) : null;
}
