import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { runScript } from "./lua-script";
import { releaseLockScript } from "./scripts/release-lock";

export type HeldLock = { key: string; owner: string; release(): Promise<void> };

/**
 * Takes a short lease-style lock (SET NX PX). The TTL is the safety net: a
 * process that dies while holding it blocks others for at most `ttlMs`.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | null> {
  const owner = randomUUID();
  const taken = await redis.set(key, owner, "PX", ttlMs, "NX");
  if (taken !== "OK") return null;
  return {
    key,
    owner,
    async release() {
      await runScript(redis, releaseLockScript, { keys: { lockKey: key }, args: { owner } });
    },
  };
}

/** A short sleep with jitter, so waiters on one lock do not wake in lockstep. */
export function jitteredPause(baseMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, baseMs / 2 + Math.random() * baseMs));
}
