import "server-only";
import type { ActionContext } from "@/lib/actions/context";

/** An action context with the teams feature's configuration. */
export type TeamContext = ActionContext & {
  rosterMax: number;
  /** Where avatar images come from (DISCORD_CDN_BASE); Discord's own CDN when left out. */
  cdnBase?: string;
};

/** The roles the app itself configures (and `@everyone`): any other role a member holds may be a team's. */
export function isConfiguredRole(context: Pick<TeamContext, "guildId" | "roleIds">, roleId: string): boolean {
  const ids = context.roleIds;
  return (
    roleId === context.guildId ||
    roleId === ids.updatedProfile ||
    roleId === ids.freeAgent ||
    roleId === ids.player ||
    roleId === ids.teamManager ||
    roleId === ids.tournamentAdmin
  );
}
