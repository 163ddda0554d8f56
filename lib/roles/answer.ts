/**
 * What `GET /api/roles` answers and the first server render hands to the
 * browser. Pure types and functions: safe for client components.
 */
export const dashboardViews = ["join-server", "profile-form", "free-agent", "team-manager", "player"] as const;
export type DashboardView = (typeof dashboardViews)[number];

/**
 * Where the roles of an answer came from: `live` the Gateway mirror (kept
 * current by Discord's events; changes are pushed to open tabs), `discord`
 * a member lookup for this user just now, `cache` the saved copy while
 * Discord is paced or busy, `memory` this server's last answer while its
 * storage is unreachable.
 */
export const rolesSources = ["live", "discord", "cache", "memory"] as const;
export type RolesSource = (typeof rolesSources)[number];

export type RolesAnswer = {
  view: DashboardView;
  /** Tournament admins also get the admin area. */
  isAdmin: boolean;
  /** False when Discord says the user is not in the server. */
  member: boolean;
  /** The member's role IDs in the guild. */
  roles: string[];
  nick: string | null;
  /** When these roles were read from Discord, or for a live answer the member's last event or sync (ISO 8601). */
  fetchedAt: string;
  how: RolesSource;
  /** True when the answer came from the cache because Discord could not be asked right now. */
  stale: boolean;
  /** Earliest time the server will ask Discord again for this user (ISO 8601). */
  nextRefreshAt: string;
  /** True while Discord is rate-limiting or failing and the answer is the saved copy. */
  discordBusy: boolean;
};

/** The 503 body when Discord cannot be asked (or our storage is down) and nothing is cached yet. */
export type RolesUnavailable = {
  error: "discord_busy" | "unavailable";
  message: string;
  retryAfterSeconds: number;
};

/** The 401 body; `session_expired` means Discord no longer accepts the login and the user must sign in again. */
export type RolesUnauthorized = {
  error: "unauthenticated" | "session_expired";
  message: string;
};
