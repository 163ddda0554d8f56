import "server-only";
import type { Redis } from "ioredis";
import { getEnv } from "@/lib/env";
import { createRedis } from "./connection";
import { redisTargetFromEnv } from "./target";

const globalForRedis = globalThis as unknown as { safaRedis?: Redis };

/** The one connection of this process. */
export function getRedis(): Redis {
  globalForRedis.safaRedis ??= createRedis(redisTargetFromEnv(getEnv()));
  return globalForRedis.safaRedis;
}
