import "server-only";
import { configuredRoleIds, getRoleService } from "@/lib/roles";
import { chooseView } from "@/lib/roles/view";
import type { LiveRoles } from "./open-stream";

/**
 * The user's roles as the role cache holds them, with the view they choose:
 * no Discord call, so a notice to many tabs costs Redis reads only. Null
 * when nothing is cached (the browser then asks `GET /api/roles`).
 */
export async function readCachedRoles(userId: string): Promise<LiveRoles | null> {
  const snapshot = await getRoleService().cached(userId);
  if (!snapshot) return null;
  return {
    ...chooseView(snapshot.member, snapshot.roles, configuredRoleIds()),
    member: snapshot.member,
    roles: snapshot.roles,
    nick: snapshot.nick,
    fetchedAt: new Date(snapshot.fetchedAt).toISOString(),
  };
}
