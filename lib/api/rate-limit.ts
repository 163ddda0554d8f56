import "server-only";
import type { Redis } from "ioredis";
import { runScript } from "@/lib/redis/lua-script";
import { fixedWindowScript } from "@/lib/redis/scripts/fixed-window";
import { rateLimitPolicies, type RateLimitPolicyName } from "./ratelimit-policies";

export type RateLimitVerdict = { allowed: boolean; retryAfterMs: number; remaining: number };

/** One hit against a policy for a subject (user id or IP), counted in Redis so every process shares it. */
export async function hitRateLimit(redis: Redis, policyName: RateLimitPolicyName, subject: string): Promise<RateLimitVerdict> {
  const policy = rateLimitPolicies[policyName];
  const [allowed, hits, ttlMs] = (await runScript(redis, fixedWindowScript, {
    keys: { counterKey: `api_ratelimit_${policyName}_${subject}` },
    args: { windowMs: policy.windowMs, hitsMax: policy.hits },
  })) as [number, number, number];
  return { allowed: allowed === 1, retryAfterMs: ttlMs, remaining: Math.max(0, policy.hits - hits) };
}
