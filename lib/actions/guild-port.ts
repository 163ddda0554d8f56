/** A guild role as the teams feature judges it: may it be a team's? */
export type GuildRole = {
  id: string;
  name: string;
  /** Discord's permission bit set, a decimal string; "0" grants nothing. */
  permissions: string;
  /** Made by an integration (a bot's own role, the booster role): nobody may hand it out. */
  managed: boolean;
  /** Higher is more powerful; a bot can only manage roles below its own highest. */
  position: number;
};

/**
 * What the teams feature needs from Discord, and nothing more. The domain is
 * written against this port; `guild-adapter.ts` implements it over the shared
 * REST client (bot token), and tests can substitute their own.
 */
export type GuildPort = {
  /** The member's role ids read fresh from Discord; null when the user is not in the guild. */
  getMemberRoles(userId: string): Promise<string[] | null>;
  /** Idempotent: adding a role the member holds changes nothing. */
  addRole(userId: string, roleId: string): Promise<void>;
  /** Idempotent: removing a role the member lacks changes nothing. */
  removeRole(userId: string, roleId: string): Promise<void>;
  /** Creates a guild role and answers its id. Not idempotent: a lost answer may leave a role behind. */
  createRole(name: string): Promise<string>;
  /** Deleting a role that is already gone succeeds. */
  deleteRole(roleId: string): Promise<void>;
  /** Every role of the guild, to judge whether a role made on Discord may be a team's. */
  listRoles(): Promise<GuildRole[]>;
  /** The bot's own roles in the guild, whose highest position bounds what it may hand out. */
  getBotRoles(): Promise<string[]>;
};

/**
 * Discord could not be asked right now (rate limited, down, timed out). The
 * action did not happen or was undone; trying again later is the remedy.
 */
export class GuildUnavailableError extends Error {
  override name = "GuildUnavailableError";
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Discord refused the change (a 4xx other than rate limits): asking again will not help. */
export class GuildRejectedError extends Error {
  override name = "GuildRejectedError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
