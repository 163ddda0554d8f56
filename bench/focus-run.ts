import type { Redis } from "ioredis";
import { createTokenStore } from "@/lib/auth/token-store";
import { fixture, type FocusProfile } from "./focus-config";
import type { EmulatorControl, MemberRouteStats } from "./focus-emulator";
import { createHttpClient } from "./focus-http";
import { startInstance, type Child } from "./focus-processes";
import { runTabs, type TabSamples } from "./focus-tabs";
import { signInUsers } from "./focus-users";
import type { StrategyName } from "./strategies";

export type StormResult = { strategy: StrategyName; discord: MemberRouteStats; samples: TabSamples };

export type StormEnvironment = { redis: Redis; redisUrl: string; emulator: EmulatorControl; secret: string; logDir: string };

/**
 * One strategy's storm from a clean slate: the emulator reset (fresh
 * buckets, no ban), Redis flushed, new users and tokens, new instances.
 * The Discord figures are the emulator's own counters for the member route.
 */
export async function runStorm(strategy: StrategyName, env: StormEnvironment, storm: FocusProfile["storm"]): Promise<StormResult> {
  await env.emulator.reset();
  await env.redis.flushall();
  const tokens = createTokenStore({
    redis: env.redis,
    secret: env.secret,
    oauth: { apiBase: env.emulator.apiBase, clientId: fixture.clientId, clientSecret: fixture.clientSecret },
  });
  const users = await signInUsers(env.emulator, tokens, storm.users, `storm_${strategy}`);

  const instances: Child[] = [];
  const client = createHttpClient({ maxSockets: storm.users * storm.tabsPerUser, defaultTimeoutMs: storm.requestTimeoutMs });
  try {
    const urls: string[] = [];
    for (let index = 0; index < storm.instances; index += 1) {
      const instance = await startInstance(
        index,
        {
          strategy,
          redisUrl: env.redisUrl,
          apiBase: env.emulator.apiBase,
          guildId: fixture.guildId,
          secret: env.secret,
          clientId: fixture.clientId,
          clientSecret: fixture.clientSecret,
        },
        env.logDir,
      );
      instances.push(instance.child);
      urls.push(instance.url);
    }
    const before = await env.emulator.memberStats();
    if (before.requests !== 0) throw new Error(`the emulator counted ${before.requests} member lookups before the ${strategy} storm began`);
    const samples = await runTabs(client, users, urls, storm);
    const discord = await env.emulator.memberStats();
    return { strategy, discord, samples };
  } finally {
    client.close();
    await Promise.all(instances.map((instance) => instance.stop()));
  }
}
