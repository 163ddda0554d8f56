import "server-only";
import { getActionContext } from "@/lib/actions";
import { getEnv } from "@/lib/env";
import type { TeamContext } from "./context";

/*
 * The teams feature: one file per use case, each exporting one function that
 * takes the context first. Every mutation judges rights and no-ops from what
 * is known before locking (rights.ts), is admitted against the guild's shared
 * Discord budget, judges again under the locks from roles read fresh, changes
 * Discord and Redis through the action engine (lib/actions), audits in the
 * same atomic step, writes the new roles through to the role cache, and
 * counts its refusals against the caller. Each is idempotent: when the end
 * state already holds, it answers `applied: false` and changes nothing.
 */
export { allTeams } from "./all-teams";
export { approveRequest } from "./approve-request";
export { createTeam } from "./create-team";
export { declineRequest } from "./decline-request";
export { disbandTeam } from "./disband-team";
export { leaveTeam } from "./leave-team";
export { listTeams } from "./list-teams";
export { markTeamRole, markTeamRoleAsAdmin } from "./mark-team-role";
export { myTeam } from "./my-team";
export { removeMember } from "./remove-member";
export { requestToJoin } from "./request-to-join";
export { transferManager } from "./transfer-manager";
export { withdrawRequest } from "./withdraw-request";

/* Module scope on purpose, as in lib/actions/index.ts: one instance per Next.js layer. */
let teamContext: TeamContext | undefined;

/** The app's action context with the teams feature's configuration. */
export function getTeamContext(): TeamContext {
  teamContext ??= { ...getActionContext(), rosterMax: getEnv().TEAM_ROSTER_MAX, cdnBase: getEnv().DISCORD_CDN_BASE };
  return teamContext;
}
