import type { Redis } from "ioredis";
import type { TokenStore } from "@/lib/auth/token-store";

/** The names the bench and the instances use for the three ways of answering `GET /api/roles`. */
export const strategyNames = ["none", "safa", "ours"] as const;
export type StrategyName = (typeof strategyNames)[number];

/** What an instance answers for one tab's refetch, whichever strategy produced it. */
export type StrategyAnswer =
  | {
      kind: "roles";
      member: boolean;
      roles: string[];
      /** Epoch milliseconds when Discord answered the call these roles came from. */
      fetchedAt: number;
      /** Served from a cache instead of a Discord answer to this request. */
      stale: boolean;
    }
  | { kind: "unavailable"; retryAfterSeconds: number; message: string };

export type RoleStrategy = {
  lookup(userId: string, sessionId: string): Promise<StrategyAnswer>;
};

/** What every strategy is built from: the same Redis, emulator and token store an app process has. */
export type StrategyDeps = {
  redis: Redis;
  apiBase: string;
  guildId: string;
  tokens: TokenStore;
};
