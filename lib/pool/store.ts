import "server-only";
import type { Redis } from "ioredis";
import type { ProductKeys } from "@/lib/actions/keys";
import { runScript } from "@/lib/redis/lua-script";
import { poolEnterScript } from "@/lib/redis/scripts/pool-enter";
import { poolRefreshScript } from "@/lib/redis/scripts/pool-refresh";
import { decodePoolEntry, encodePoolEntry, type PoolEntry } from "./entry";

/** The pool's records: one hash of entries, whose fields are the players looking for a team. */
export function createPoolStore(redis: Redis, keys: ProductKeys) {
  return {
    /**
     * Every entry (HVALS: the entries name their users, and skipping the
     * fields halves the read); one that does not decode is left out rather
     * than failing the page.
     */
    async entries(): Promise<PoolEntry[]> {
      const entries: PoolEntry[] = [];
      for (const value of await redis.hvals(keys.pool)) {
        const entry = decodePoolEntry(value);
        if (entry) entries.push(entry);
      }
      return entries;
    },
    async entry(userId: string): Promise<PoolEntry | null> {
      const raw = await redis.hget(keys.pool, userId);
      return raw === null ? null : decodePoolEntry(raw);
    },
    async isLooking(userId: string): Promise<boolean> {
      return (await redis.hexists(keys.pool, userId)) === 1;
    },
    async enter(entry: PoolEntry): Promise<"ok" | "exists" | "in-team"> {
      const reply = await runScript(redis, poolEnterScript, { keys: { poolKey: keys.pool, userTeamKey: keys.userTeam }, args: { userId: entry.userId, entry: encodePoolEntry(entry) } });
      return reply === "ok" || reply === "exists" ? reply : "in-team";
    },
    async refresh(entry: PoolEntry): Promise<boolean> {
      return (await runScript(redis, poolRefreshScript, { keys: { poolKey: keys.pool }, args: { userId: entry.userId, entry: encodePoolEntry(entry) } })) === 1;
    },
    /** Takes players out; true when any was in. */
    async leave(...userIds: string[]): Promise<boolean> {
      if (userIds.length === 0) return false;
      return (await redis.hdel(keys.pool, ...userIds)) > 0;
    },
  };
}

export type PoolStore = ReturnType<typeof createPoolStore>;
