import "server-only";
import type { Redis } from "ioredis";
import { getEnv } from "@/lib/env";
import { createRedis } from "./connection";

const globalForRedis = globalThis as unknown as { safaRedis?: Redis };

/** The one connection of this process. */
export function getRedis(): Redis {
  globalForRedis.safaRedis ??= createRedis(getEnv().REDIS_URL);
  return globalForRedis.safaRedis;
}
