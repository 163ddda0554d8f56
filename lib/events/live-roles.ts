import { chooseView, type RoleIds } from "@/lib/roles/view";
import type { RolesAnswer } from "@/lib/roles/answer";

/** The roles part of the roles answer; the browser keeps its own pacing fields (`stale`, `nextRefreshAt`, `discordBusy`). */
export type LiveRoles = Pick<RolesAnswer, "view" | "isAdmin" | "member" | "roles" | "nick" | "fetchedAt">;

/** A role cache entry as the live roles event carries it, with the view its roles choose. */
export function liveRolesOf(snapshot: { member: boolean; roles: string[]; nick: string | null; fetchedAt: number }, ids: RoleIds): LiveRoles {
  return {
    ...chooseView(snapshot.member, snapshot.roles, ids),
    member: snapshot.member,
    roles: snapshot.roles,
    nick: snapshot.nick,
    fetchedAt: new Date(snapshot.fetchedAt).toISOString(),
  };
}
