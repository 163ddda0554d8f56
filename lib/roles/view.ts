import type { DashboardView } from "./answer";

/** The guild's role IDs that decide what a user sees (from configuration). */
export type RoleIds = {
  updatedProfile: string;
  freeAgent: string;
  player: string;
  teamManager: string;
  tournamentAdmin: string;
};

export type ViewDecision = { view: DashboardView; isAdmin: boolean };

/**
 * Chooses the dashboard view from the member's roles. The one place that
 * turns roles into rights, so the server, the tests and the UI agree.
 * A manager usually also holds `player`; managing wins.
 */
export function chooseView(member: boolean, roles: readonly string[], ids: RoleIds): ViewDecision {
  if (!member) return { view: "join-server", isAdmin: false };
  const has = (id: string) => roles.includes(id);
  const isAdmin = has(ids.tournamentAdmin);
  if (!has(ids.updatedProfile)) return { view: "profile-form", isAdmin };
  if (has(ids.teamManager)) return { view: "team-manager", isAdmin };
  if (has(ids.player)) return { view: "player", isAdmin };
  return { view: "free-agent", isAdmin };
}
