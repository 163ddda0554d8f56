import { z } from "zod";

/**
 * What the teams API answers, as zod schemas so the browser parses every
 * answer at its boundary. Pure: safe for client components.
 */

export const teamSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  tag: z.string(),
  managerName: z.string().nullable(),
  rosterSize: z.number().int(),
  rosterMax: z.number().int(),
  open: z.boolean(),
  /** True when the asking user has a pending request to this team. */
  requested: z.boolean(),
});
export type TeamSummary = z.infer<typeof teamSummarySchema>;

export const teamListSchema = z.object({
  teams: z.array(teamSummarySchema),
  /** Pending requests of the asking user, and the most they may have. */
  myRequests: z.number().int(),
  myRequestsMax: z.number().int(),
});
export type TeamList = z.infer<typeof teamListSchema>;

export const personSchema = z.object({
  userId: z.string(),
  /** As Discord shows them: display name, else username; then the gamer tag; "Member …1234" when nothing is known. */
  name: z.string(),
  /** Their Discord avatar, or Discord's default avatar when they have none or nothing is known of them. */
  avatarUrl: z.string(),
  gamerTag: z.string().nullable(),
  position: z.string().nullable(),
  platform: z.string().nullable(),
  country: z.string().nullable(),
});
export type Person = z.infer<typeof personSchema>;

export const rosterEntrySchema = personSchema.extend({ role: z.enum(["manager", "player"]), joinedAt: z.string() });
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

export const joinRequestSchema = personSchema.extend({ requestedAt: z.string() });
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const teamDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  tag: z.string(),
  managerId: z.string().nullable(),
  rosterMax: z.number().int(),
  roster: z.array(rosterEntrySchema),
  /** Only for the team's manager and tournament admins. */
  requests: z.array(joinRequestSchema),
  /** A change whose Discord half is unfinished; the next action on the team completes or undoes it. */
  pendingChange: z.boolean(),
});
export type TeamDetail = z.infer<typeof teamDetailSchema>;

export const myTeamSchema = z.object({
  /** The asking user's id, so the page can tell their own roster line. */
  viewerId: z.string(),
  team: teamDetailSchema.nullable(),
  /** What the asking user may do, from their roles as last read. */
  canManage: z.boolean(),
});
export type MyTeam = z.infer<typeof myTeamSchema>;

/** A Discord role the admin area offers to mark as a team: it grants nothing and sits below the bot. */
export type TeamRoleOption = { id: string; name: string; marked: boolean };

/** One roster move or team event on a team's page, from the audit log. */
export type TeamHistoryEntry = { at: string; action: string; actorName: string; targetName: string | null; detail: string | null };

/** A team's public page (`/teams/[teamId]`): any signed-in member may read it. */
export type TeamPage = {
  id: string;
  name: string;
  tag: string;
  managerName: string | null;
  rosterMax: number;
  roster: RosterEntry[];
  history: TeamHistoryEntry[];
  /** True when the newest entries read did not reach this team's start: older moves are not shown. */
  historyTruncated: boolean;
};
