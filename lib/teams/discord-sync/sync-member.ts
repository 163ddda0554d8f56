import "server-only";
import { subjects, withSubjects, type HeldSubjects } from "@/lib/actions/locks";
import { createTeamStore, type Membership } from "../store";
import type { GuildSnapshot } from "../team-role";
import { applyTeamSteps, discordEntry, type FollowStep } from "./apply";
import type { FollowContext } from "./context";
import { creation, teamRoles, type TeamRole } from "./facts";
import { mirroredGuild, mirroredRoles, mirroredRolesOf } from "./mirror-view";
import { chooseManager, joinNote, planMember, type MemberPlan } from "./plan";

type MemberState = { roles: string[] | null; current: string | null; teams: Map<string, TeamRole>; plan: MemberPlan };

/** Locking retries when the member's teams changed between the look and the lock (a team was being created). */
const lockAttemptsMax = 3;

/**
 * Brings one member's place on the rosters in line with their roles in the
 * mirror: onto the roster of a team role they hold, off the one whose role
 * they lost, manager where they hold the team manager role with the team
 * role. Holds the locks of the user and of every team it touches, as the
 * dashboard's actions do, so it never interleaves with one; the dashboard's
 * own changes, already in the records when their Gateway copy arrives,
 * therefore find nothing to do and are not audited again.
 */
export async function syncMember(context: FollowContext, userId: string): Promise<void> {
  for (let attempt = 0; attempt < lockAttemptsMax; attempt += 1) {
    const wanted = subjectsFor(userId, await readMember(context, await mirroredGuild(context), userId));
    const settled = await withSubjects(context.redis, context.keys, wanted, async (held) => {
      const state = await readMember(context, await mirroredGuild(context), userId);
      if (!subjectsFor(userId, state).every((subject) => held.holds(subject))) return false;
      await followMember(context, held, userId, state);
      return true;
    });
    if (settled) return;
  }
  throw new Error(`the teams of member ${userId} kept changing while they were followed`);
}

async function readMember(context: FollowContext, guild: GuildSnapshot, userId: string): Promise<MemberState> {
  const [roles, current] = await Promise.all([mirroredRoles(context, userId), createTeamStore(context.redis, context.keys).teamOf(userId)]);
  const teams = await teamRoles(context, guild, [...(roles ?? []), ...(current === null ? [] : [current])]);
  return { roles, current, teams, plan: planMember(current, roles, teams) };
}

function subjectsFor(userId: string, state: MemberState): string[] {
  const teamIds = [state.current, state.plan.join].filter((teamId): teamId is string => teamId !== null);
  return [subjects.user(userId), ...teamIds.map((teamId) => subjects.team(teamId))];
}

async function followMember(context: FollowContext, held: HeldSubjects, userId: string, state: MemberState): Promise<void> {
  const { current, plan, teams } = state;
  const currentTeam = current === null ? undefined : teams.get(current);
  if (current !== null && currentTeam?.onDiscord === false) await disbandFollowed(context, held, currentTeam);
  if (plan.leave !== null) await leave(context, held, userId, plan.leave, teams.get(plan.leave));
  if (plan.join !== null) {
    const joining = teams.get(plan.join);
    if (joining) await join(context, held, userId, joining, plan.alsoHeld.map((teamId) => teams.get(teamId)?.name ?? teamId));
  } else if (current !== null && plan.leave === null && currentTeam?.onDiscord) {
    await applyTeamSteps(context, held, current, await managerSteps(context, currentTeam, await rosterOf(context, current)));
  }
}

async function leave(context: FollowContext, held: HeldSubjects, userId: string, teamId: string, team: TeamRole | undefined): Promise<void> {
  const name = team?.name ?? teamId;
  const steps: FollowStep[] = [{ op: "remove", u: userId, entry: discordEntry(context, "team.remove", { id: teamId, name }, userId, "team role taken on Discord") }];
  if (team) steps.push(...(await managerSteps(context, team, (await rosterOf(context, teamId)).filter((entry) => entry.userId !== userId))));
  await applyTeamSteps(context, held, teamId, steps);
}

async function join(context: FollowContext, held: HeldSubjects, userId: string, team: TeamRole, alsoHeldNames: string[]): Promise<void> {
  const ref = { id: team.id, name: team.name };
  const steps: FollowStep[] = [];
  if (!team.recorded) steps.push({ op: "create", ...creation(team), entry: discordEntry(context, "team.adopt", ref, null, "a marked team role became a team") });
  const roster = await rosterOf(context, team.id);
  const after = roster.some((entry) => entry.userId === userId) ? roster : [...roster, { userId, at: context.now() }];
  steps.push({ op: "add", u: userId, entry: discordEntry(context, "team.adopt", ref, userId, joinNote(after.length, context.rosterMax, alsoHeldNames)) });
  steps.push(...(await managerSteps(context, team, after)));
  if (after.length > context.rosterMax) context.log.warn({ teamId: team.id, rosterSize: after.length, rosterMax: context.rosterMax }, "Discord gave a team role to more players than the roster cap");
  await applyTeamSteps(context, held, team.id, steps);
}

async function rosterOf(context: FollowContext, teamId: string): Promise<Membership[]> {
  return createTeamStore(context.redis, context.keys).members(teamId);
}

/**
 * The step that makes the team's manager whoever holds its role and the
 * team manager role (chooseManager), or none when it already is.
 */
export async function managerSteps(context: FollowContext, team: TeamRole, roster: readonly Membership[]): Promise<FollowStep[]> {
  const ids = roster.map((entry) => entry.userId);
  const rolesOf = await mirroredRolesOf(context, ids);
  const qualifies = (userId: string) => {
    const roles = rolesOf.get(userId) ?? [];
    return roles.includes(context.roleIds.teamManager) && roles.includes(team.id);
  };
  const recorded = team.record?.managerId ?? null;
  const current = recorded !== null && ids.includes(recorded) ? recorded : null;
  const next = chooseManager(current, roster, qualifies);
  if (next === current) return [];
  const detail = next === null ? "nobody on the roster holds the team manager role on Discord" : "holds the team manager role with the team role on Discord";
  return [{ op: "manager", u: next ?? "", entry: discordEntry(context, "team.transfer", { id: team.id, name: team.name }, next, detail) }];
}

/** Disbands a team whose role is gone from Discord; the caller holds the team's lock. */
export async function disbandFollowed(context: FollowContext, held: HeldSubjects, team: TeamRole): Promise<void> {
  const members = (await rosterOf(context, team.id)).map((entry) => entry.userId);
  const detail = `team role deleted on Discord; ${members.length} member${members.length === 1 ? "" : "s"} off the roster`;
  await applyTeamSteps(context, held, team.id, [{ op: "disband", entry: discordEntry(context, "team.disband", { id: team.id, name: team.name }, null, detail) }], members);
}
