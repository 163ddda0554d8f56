import type { Redis } from "ioredis";
import { fixture } from "../shared/fixture";
import { createHttpClient } from "../shared/http";
import type { Child } from "../shared/processes";
import { benchTokenStore, signInUsers } from "../shared/users";
import type { FocusProfile } from "./config";
import { signInSecondDevices } from "./devices";
import type { EmulatorControl, MemberRouteStats } from "./emulator";
import { startInstance } from "./start-instance";
import type { StrategyName } from "./strategies";
import { runTabs, type TabSamples } from "./tabs";

export type StormResult = { strategy: StrategyName; discord: MemberRouteStats; samples: TabSamples };

export type StormEnvironment = { redis: Redis; redisUrl: string; emulator: EmulatorControl; secret: string; logDir: string };

/**
 * One strategy's storm from a clean slate: the emulator reset (fresh
 * buckets, no ban), Redis flushed, new users and tokens (a share of the
 * users on two devices), new instances.
 * The Discord figures are the emulator's own counters for the member route.
 */
export async function runStorm(strategy: StrategyName, env: StormEnvironment, storm: FocusProfile["storm"]): Promise<StormResult> {
  await env.emulator.reset();
  await env.redis.flushall();
  const tokens = benchTokenStore({ redis: env.redis, secret: env.secret, emulatorUrl: env.emulator.url });
  const users = await signInUsers({ emulatorUrl: env.emulator.url, tokens, count: storm.users, prefix: `storm_${strategy}` });
  const devices = [...users, ...(await signInSecondDevices({ emulatorUrl: env.emulator.url, tokens, users, share: storm.secondDeviceShare }))];

  const instances: Child[] = [];
  const client = createHttpClient({ maxSockets: devices.length * storm.tabsPerUser, timeoutMs: storm.requestTimeoutMs });
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
    const samples = await runTabs(client, devices, urls, storm);
    const discord = await env.emulator.memberStats();
    return { strategy, discord, samples };
  } finally {
    client.close();
    await Promise.all(instances.map((instance) => instance.stop()));
  }
}
