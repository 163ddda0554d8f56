import "server-only";
import { configuredRoleIds, getRoleService } from "@/lib/roles";
import { liveRolesOf, type LiveRoles } from "./live-roles";

/**
 * The user's roles as the live Gateway mirror holds them, else as the role
 * cache does, with the view they choose: no Discord call, so a notice to
 * many tabs costs Redis reads only. Null when neither knows the user (the
 * browser then asks `GET /api/roles`).
 */
export async function readCachedRoles(userId: string): Promise<LiveRoles | null> {
  const snapshot = await getRoleService().current(userId);
  return snapshot ? liveRolesOf(snapshot, configuredRoleIds()) : null;
}
