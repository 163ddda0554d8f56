import type { Redis } from "ioredis";
import type { ProductKeys } from "@/lib/actions/keys";
import type { RoleCache } from "@/lib/actions/context";
import type { Journal } from "@/lib/actions/saga";
import { eventKeyspace, type EventKeys } from "./keys";
import { publishRolesChanged, publishTeamChanged } from "./publish";

/**
 * What the action engine tells open tabs, as a port: the engine calls it
 * where it knows a change is stored, tests leave it out. Never throws.
 */
export type ChangeNotices = {
  /** A journaled action committed: its team and everyone its steps touched are told. */
  committed(journal: Journal): Promise<void>;
  /** A change without a journal (a join request filed, withdrawn or declined). */
  teamChanged(teamId: string, alsoUserIds: readonly string[]): Promise<void>;
  rolesChanged(userId: string): Promise<void>;
};


/** The team a committed action is about; a profile's is its owner's current team, if any. */
async function teamOf(redis: Redis, productKeys: ProductKeys, journal: Journal): Promise<string | null> {
  const { commit } = journal;
  switch (commit.kind) {
    case "create-team":
      return journal.createdRoleId;
    case "profile":
      return redis.hget(productKeys.userTeam, commit.userId);
    default:
      return commit.teamId;
  }
}

/** Everyone a committed action names: its steps' members (all of a disbanded team's) and the users of its commit. */
export function usersOf(journal: Journal): string[] {
  const users = new Set<string>();
  for (const step of journal.steps) if (step.kind === "add-role" || step.kind === "remove-role") users.add(step.userId);
  const { commit } = journal;
  if (commit.kind === "transfer") {
    users.add(commit.fromUserId);
    users.add(commit.toUserId);
  } else if ("userId" in commit) {
    users.add(commit.userId);
  }
  return [...users];
}

function sameRoles(before: readonly string[] | undefined, after: readonly string[]): boolean {
  if (before === undefined || before.length !== after.length) return false;
  const known = new Set(before);
  return after.every((role) => known.has(role));
}

export function createChangeNotices(redis: Redis, productKeys: ProductKeys, keys: EventKeys = eventKeyspace()): ChangeNotices {
  return {
    async committed(journal) {
      const teamId = await teamOf(redis, productKeys, journal).catch(() => null);
      if (teamId !== null) await publishTeamChanged(redis, productKeys, teamId, usersOf(journal), keys);
    },
    teamChanged: (teamId, alsoUserIds) => publishTeamChanged(redis, productKeys, teamId, alsoUserIds, keys),
    rolesChanged: (userId) => publishRolesChanged(redis, userId, keys),
  };
}

/**
 * The role cache, announcing each write that changed a user's roles: every
 * action stores the roles it gave or took through here, after its commit,
 * so the stream that reads the cache on the notice finds the new roles.
 */
export function announcingRoleChanges(cache: RoleCache, notices: Pick<ChangeNotices, "rolesChanged">): RoleCache {
  return {
    cached: (userId) => cache.cached(userId),
    async writeThrough(userId: string, roles: readonly string[]) {
      const before = await cache.cached(userId).catch(() => null);
      await cache.writeThrough(userId, roles);
      if (!sameRoles(before?.roles, roles)) await notices.rolesChanged(userId);
    },
  };
}
