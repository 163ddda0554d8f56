import "server-only";
import { admitDiscordAction } from "@/lib/actions/admission";
import { freshRoles, type Actor, type SessionActor } from "@/lib/actions/actor";
import { ApiError } from "@/lib/api/errors";
import type { TeamContext } from "./context";
import { createTeamStore, type TeamRecord } from "./store";

/*
 * Who may do what to a team. Each action judges rights twice: first from
 * what is known (Redis records, the caller's cached roles), so a caller
 * without rights takes no lock and spends no Discord call; then, holding
 * the locks, from roles read fresh through the bot (an `Actor`).
 */

export async function requireTeam(context: TeamContext, teamId: string): Promise<TeamRecord> {
  const team = await createTeamStore(context.redis, context.keys).team(teamId);
  if (!team) throw new ApiError("team_not_found", "This team does not exist (it may have been disbanded).");
  return team;
}

/** The team's own manager, by the record and by the roles read fresh. */
export function manages(context: TeamContext, actor: Actor, team: TeamRecord): boolean {
  return team.managerId === actor.id && actor.roles.includes(context.roleIds.teamManager) && actor.roles.includes(team.id);
}

export function requireManage(context: TeamContext, actor: Actor, team: TeamRecord): void {
  if (!actor.isAdmin && !manages(context, actor, team)) throw new ApiError("forbidden", "Only this team's manager or a tournament admin can do that.");
}

/** A user may start or join a team only with a completed profile and no team, by the records and by the roles given. */
export async function requireFreeAgent(context: TeamContext, userId: string, roles: readonly string[]): Promise<void> {
  const ids = context.roleIds;
  if (!roles.includes(ids.updatedProfile)) throw new ApiError("profile_required", "Complete your player profile first.");
  const inTeam = (await createTeamStore(context.redis, context.keys).teamOf(userId)) !== null || roles.includes(ids.player) || roles.includes(ids.teamManager);
  if (inTeam) throw new ApiError("in_team", "You are already in a team. Leave it first.");
}

/**
 * The caller's roles as last seen, from the role cache (their page keeps
 * it fresh), for judging rights before any lock is taken or any Discord
 * call is spent. Read fresh, and admitted, only when there is none.
 */
export async function knownRoles(context: TeamContext, user: SessionActor): Promise<string[]> {
  const cached = await context.roleCache.cached(user.id);
  if (cached) return cached.roles;
  await admitDiscordAction(context, user.id);
  const roles = await freshRoles(context, user.id);
  if (roles === null) throw new ApiError("not_in_server", "Join the SAFA Discord server first, then try again.");
  return roles;
}

/** Rights judged before locking: whoever may not manage the team never holds its locks. Judged again, fresh, under them. */
export async function requireKnownManage(context: TeamContext, user: SessionActor, team: TeamRecord): Promise<void> {
  if (team.managerId === user.id) return;
  if ((await knownRoles(context, user)).includes(context.roleIds.tournamentAdmin)) return;
  throw new ApiError("forbidden", "Only this team's manager or a tournament admin can do that.");
}
