import "server-only";
import type { AdmissionPolicy } from "./policy";
import type { SagaDeps } from "./saga";

/** The role cache as actions use it: read a user's last roles, store their new ones. */
export type RoleCache = {
  cached(userId: string): Promise<{ roles: string[] } | null>;
  writeThrough(userId: string, roles: readonly string[]): Promise<void>;
};

/**
 * Everything a journaled action needs, whatever its domain, injected so
 * tests build it from a private Redis and the emulator.
 */
export type ActionContext = SagaDeps & {
  roleCache: RoleCache;
  guildId: string;
  /** How fast actions may spend the bot's Discord budget (actionPolicy.admission; tests may loosen it). */
  admission: AdmissionPolicy;
};
