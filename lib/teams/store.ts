import "server-only";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { ProductKeys } from "@/lib/actions/keys";

const teamRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  normalizedName: z.string(),
  tag: z.string(),
  managerId: z.string().transform((value) => (value === "" ? null : value)),
  createdBy: z.string(),
  createdAt: z.coerce.number(),
  adopted: z.enum(["0", "1"]).transform((value) => value === "1"),
});
export type TeamRecord = z.infer<typeof teamRecordSchema>;

export type Membership = { userId: string; at: number };

const flatScored = z.array(z.string());
const pairScored = z.array(z.tuple([z.string(), z.union([z.string(), z.number()])]));

/** ZRANGE WITHSCORES answers a flat list on RESP2 and pairs on RESP3; both become memberships. */
function parseScored(reply: unknown): Membership[] {
  const pairs = pairScored.safeParse(reply);
  if (pairs.success) return pairs.data.map(([userId, at]) => ({ userId, at: Number(at) }));
  const flat = flatScored.parse(reply);
  const entries: Membership[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) entries.push({ userId: flat[index] ?? "", at: Number(flat[index + 1]) });
  return entries;
}

/**
 * The teams feature's reads of its records, every value parsed (Redis is a
 * boundary too), and the one small write that is no action of its own.
 */
export function createTeamStore(redis: Redis, keys: ProductKeys) {
  async function scored(key: string): Promise<Membership[]> {
    const reply: unknown = await redis.zrange(key, 0, "-1", "WITHSCORES");
    return parseScored(reply);
  }

  return {
    async team(teamId: string): Promise<TeamRecord | null> {
      const raw = await redis.hgetall(keys.team(teamId));
      if (Object.keys(raw).length === 0) return null;
      const parsed = teamRecordSchema.safeParse(raw);
      return parsed.success ? parsed.data : null;
    },
    async teamIds(): Promise<string[]> {
      return redis.zrange(keys.teamIndex, 0, "-1");
    },
    members: (teamId: string) => scored(keys.members(teamId)),
    async rosterSize(teamId: string): Promise<number> {
      return redis.zcard(keys.members(teamId));
    },
    /** Pending requests, without those of users who joined a team since (they are void). */
    async requests(teamId: string): Promise<Membership[]> {
      const all = await scored(keys.requests(teamId));
      if (all.length === 0) return all;
      const teams = await redis.hmget(keys.userTeam, ...all.map((entry) => entry.userId));
      return all.filter((_, index) => teams[index] === null);
    },
    async teamOf(userId: string): Promise<string | null> {
      return redis.hget(keys.userTeam, userId);
    },
    async teamIdByName(normalisedName: string): Promise<string | null> {
      return redis.hget(keys.teamNames, normalisedName);
    },
    async teamIdByTag(tagKey: string): Promise<string | null> {
      return redis.hget(keys.teamTags, tagKey);
    },
    async requestedTeams(userId: string): Promise<string[]> {
      const raw = await redis.hget(keys.userRequests, userId);
      if (raw === null) return [];
      try {
        const parsed = z.array(z.string()).safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : [];
      } catch {
        return [];
      }
    },
    async hasRequest(teamId: string, userId: string): Promise<boolean> {
      return (await redis.zscore(keys.requests(teamId), userId)) !== null;
    },
    async isMarkedTeamRole(roleId: string): Promise<boolean> {
      return (await redis.hexists(keys.markedTeamRoles, roleId)) === 1;
    },
    async wasDisbanded(teamId: string): Promise<boolean> {
      return (await redis.sismember(keys.disbandedRoles, teamId)) === 1;
    },
    /** The name a user's requests and roster lines show (their Discord name at their last action). */
    async rememberName(userId: string, name: string): Promise<void> {
      await redis.hset(keys.userNames, userId, name.slice(0, 100));
    },
    async displayNames(userIds: readonly string[]): Promise<Map<string, string>> {
      const names = new Map<string, string>();
      if (userIds.length === 0) return names;
      const values = await redis.hmget(keys.userNames, ...userIds);
      userIds.forEach((userId, index) => {
        const value = values[index];
        if (typeof value === "string") names.set(userId, value);
      });
      return names;
    },
  };
}

export type TeamStore = ReturnType<typeof createTeamStore>;
