import "server-only";
import { createProfileStore, type StoredProfile } from "@/lib/profile/store";
import type { JoinRequest, Person, RosterEntry, TeamDetail } from "./answer";
import type { TeamContext } from "./context";
import { createTeamStore, type Membership, type TeamRecord } from "./store";

/** What is known of some users: their display names and their profiles. */
export type People = { names: Map<string, string>; profiles: Map<string, StoredProfile> };

export async function people(context: TeamContext, userIds: readonly string[]): Promise<People> {
  const store = createTeamStore(context.redis, context.keys);
  const [names, found] = await Promise.all([store.displayNames(userIds), createProfileStore(context.redis, context.keys).many(userIds)]);
  return { names, profiles: found };
}

/** A user as rosters and request lists show them, named by Discord, else by gamer tag, else by the end of their id. */
export function person(userId: string, found: People): Person {
  const profile = found.profiles.get(userId);
  return {
    userId,
    name: found.names.get(userId) ?? profile?.gamerTag ?? `Member …${userId.slice(-4)}`,
    gamerTag: profile?.gamerTag ?? null,
    position: profile?.position ?? null,
    platform: profile?.platform ?? null,
    country: profile?.country ?? null,
  };
}

/** A team with its roster (manager first, then by joining), and its requests when the viewer may see them. */
export async function teamDetail(context: TeamContext, team: TeamRecord, withRequests: boolean, pending: Set<string>): Promise<TeamDetail> {
  const store = createTeamStore(context.redis, context.keys);
  const [members, requests] = await Promise.all([store.members(team.id), withRequests ? store.requests(team.id) : Promise.resolve<Membership[]>([])]);
  const found = await people(context, [...members, ...requests].map((entry) => entry.userId));
  const roster: RosterEntry[] = members
    .map((member) => ({
      ...person(member.userId, found),
      role: member.userId === team.managerId ? ("manager" as const) : ("player" as const),
      joinedAt: new Date(member.at).toISOString(),
    }))
    .sort((a, b) => (a.role === b.role ? a.joinedAt.localeCompare(b.joinedAt) : a.role === "manager" ? -1 : 1));
  const joinRequests: JoinRequest[] = requests.map((request) => ({ ...person(request.userId, found), requestedAt: new Date(request.at).toISOString() }));
  return {
    id: team.id,
    name: team.name,
    tag: team.tag,
    managerId: team.managerId,
    rosterMax: context.rosterMax,
    roster,
    requests: joinRequests,
    pendingChange: pending.has(team.id),
  };
}

/** Every team's record, in index order; ids whose record is gone or unreadable are skipped. */
export async function allTeamRecords(context: TeamContext): Promise<TeamRecord[]> {
  const store = createTeamStore(context.redis, context.keys);
  const teams = await Promise.all((await store.teamIds()).map((teamId) => store.team(teamId)));
  return teams.filter((team): team is TeamRecord => team !== null);
}
