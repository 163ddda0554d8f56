import "server-only";
import { avatarUrl, discordCdnBase } from "@/lib/identity/avatar";
import { displayNameOf, type Identity } from "@/lib/identity/identity";
import { createIdentityStore } from "@/lib/identity/store";
import { createProfileStore, type StoredProfile } from "@/lib/profile/store";
import type { JoinRequest, Person, RosterEntry, TeamDetail } from "./answer";
import type { TeamContext } from "./context";
import { createTeamStore, type Membership, type TeamRecord } from "./store";

/**
 * What is known of some users: their Discord identities (from the Gateway
 * mirror and logins), the names they had at their last action, their
 * profiles, and where their avatars are served from.
 */
export type People = { identities: Map<string, Identity>; names: Map<string, string>; profiles: Map<string, StoredProfile>; cdnBase: string };

export async function people(context: TeamContext, userIds: readonly string[]): Promise<People> {
  const store = createTeamStore(context.redis, context.keys);
  const [identities, names, found] = await Promise.all([
    createIdentityStore(context.redis, context.keys.identities).many(userIds),
    store.displayNames(userIds),
    createProfileStore(context.redis, context.keys).many(userIds),
  ]);
  return { identities, names, profiles: found, cdnBase: context.cdnBase ?? discordCdnBase };
}

/**
 * A user as rosters and request lists show them: named as Discord shows
 * them now (the mirror's identity), else as at their last action, else by
 * gamer tag, else by the end of their id; pictured by their avatar, else
 * Discord's default one.
 */
export function person(userId: string, found: People): Person {
  const profile = found.profiles.get(userId);
  const identity = found.identities.get(userId) ?? null;
  return {
    userId,
    name: (identity && displayNameOf(identity)) ?? found.names.get(userId) ?? profile?.gamerTag ?? `Member …${userId.slice(-4)}`,
    avatarUrl: avatarUrl(found.cdnBase, userId, identity),
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
