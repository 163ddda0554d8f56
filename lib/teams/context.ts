import "server-only";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { RoleIds } from "@/lib/roles/view";
import type { GuildPort } from "./guild-port";
import type { TeamKeys } from "./keys";
import type { AdmissionPolicy } from "./policy";
import type { SagaDeps } from "./saga";

/** The role cache as actions use it: read a user's last roles, store their new ones. */
export type RoleCache = {
  cached(userId: string): Promise<{ roles: string[] } | null>;
  writeThrough(userId: string, roles: readonly string[]): Promise<void>;
};

/** Everything an action needs, injected so tests build it from a private Redis and the emulator. */
export type TeamContext = SagaDeps & {
  redis: Redis;
  keys: TeamKeys;
  guild: GuildPort;
  roleCache: RoleCache;
  roleIds: RoleIds;
  guildId: string;
  rosterMax: number;
  /** How fast actions may spend the bot's Discord budget (teamPolicy.admission; tests may loosen it). */
  admission: AdmissionPolicy;
  log: Logger;
  now: () => number;
};

/** The roles the app itself configures (and `@everyone`): any other role a member holds may be a team's. */
export function isConfiguredRole(context: TeamContext, roleId: string): boolean {
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
