import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { createDiscordRest } from "@/lib/discord/rest/create-discord-rest";
import { RateLimitedError } from "@/lib/discord/rest/errors";
import type { DiscordRest } from "@/lib/discord/rest/types";
import { saveProfile } from "@/lib/profile/save-profile";
import type { ProfileInput } from "@/lib/profile/schema";
import { createProfileStore } from "@/lib/profile/store";
import { createRedis, waitUntilReady } from "@/lib/redis/connection";
import { redisTargetFromEnv } from "@/lib/redis/target";
import { startRedisHa, type RedisHaHandle } from "../../../scripts/redis-ha";
import { fakeDiscord, guildId, randomPrefix, roleId, userId } from "../../helpers/discord-rest-kit";
import { createWorld, ids, rejection, sorted, type World } from "../../helpers/teams-world";

/**
 * A real failover: a primary, one replica and three Sentinels, the primary
 * SIGKILLed. The REST client learns of the new primary through its own
 * connection and holds a half-spent bucket until its reset; actions wait
 * for a replica, so with the only replica promoted they are refused before
 * Discord until the old primary rejoins as a replica.
 */

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once the connection has stayed ready for `forMs` (ioredis reconnects a second time when Sentinel announces the switch). */
async function steady(redis: Redis, forMs: number): Promise<void> {
  let readySince = redis.status === "ready" ? Date.now() : Number.POSITIVE_INFINITY;
  const onReady = () => (readySince = Date.now());
  const onClose = () => (readySince = Number.POSITIVE_INFINITY);
  redis.on("ready", onReady);
  redis.on("close", onClose);
  try {
    await eventually(async () => Date.now() - readySince >= forMs, 20_000, "a steady connection");
  } finally {
    redis.off("ready", onReady);
    redis.off("close", onClose);
  }
}

const profile = (gamerTag: string): ProfileInput => ({ gamerTag, platform: "pc", eaFcId: `${gamerTag} id`, country: "NG", position: "DEF" });

describe("a real Sentinel failover", () => {
  let dataDir: string;
  let ha: RedisHaHandle;
  let redis: Redis;
  let world: World;
  let rest: DiscordRest;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "safa-replication-ha-"));
    ha = await startRedisHa({ dataDir, replicas: 1, sentinels: 3, downAfterMs: 1_000, failoverTimeoutMs: 4_000 });
    redis = createRedis(redisTargetFromEnv({ REDIS_SENTINELS: ha.sentinelsEnv, REDIS_MASTER_NAME: ha.masterName }));
    expect(await waitUntilReady(redis, 5_000)).toBe(true);
    world = await createWorld({ redis });
    world.context.replication = { replicas: 1, timeoutMs: 1_500 };
  });
  afterAll(async () => {
    await rest?.close();
    await world?.close();
    redis?.disconnect();
    await ha?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("holds a spent bucket after the switch, refuses actions while no replica is left, and takes them again once one rejoins", async () => {
    const member = await world.newMember("failover_saver", []);
    expect((await saveProfile(world.context, member, profile("Before"))).applied).toBe(true);

    const discord = fakeDiscord({ limit: 4, windowMs: 30_000, latencyMs: 1 });
    rest = createDiscordRest({ redis, botToken: "bot-token", apiBase: "http://discord.test/api/v10", transport: discord.transport, keyPrefix: randomPrefix(), subscribe: false, policy: { redisProbeIntervalMs: 200 } });
    const heard: string[] = [];
    rest.on("primaryChange", (change) => heard.push(change.runId));
    for (let n = 0; n < 2; n += 1) await rest.put(Routes.guildMemberRole(guildId, userId, String(BigInt(roleId) + BigInt(n))));

    const killed = await ha.killPrimary();
    await eventually(async () => heard.length > 0, 30_000, "the REST client to see the new primary");
    // While the connection is down mid-switch the client uses its per-process fallback limiter (its Redis-outage rule); once it is back, the shared state rules.
    await steady(redis, 500);
    await eventually(async () => !(await rest.inspect()).fallbackActive, 5_000, "the REST client to use Redis again");

    // The promoted replica's copy says two of four are left; Discord's window is not over, so the client must not trust it.
    const late = rest.put(Routes.guildMemberRole(guildId, userId, String(BigInt(roleId) + 9n)), { deadlineMs: 1_000 });
    await expect(late).rejects.toBeInstanceOf(RateLimitedError);
    expect(discord.sent).toHaveLength(2);

    // The only replica is the primary now: nothing can be confirmed, so nothing reaches Discord.
    const rolesBefore = await world.rolesOf(member.id);
    const refused = await rejection(saveProfile(world.context, member, profile("During")));
    expect(refused.code).toBe("storage_unavailable");
    expect(await world.rolesOf(member.id)).toEqual(rolesBefore);
    expect(await redis.hlen(world.keys.journals)).toBe(0);

    await ha.restartNode(killed.port);
    await eventually(async () => /connected_slaves:1/.test(await redis.info("replication")), 20_000, "the old primary to rejoin as a replica");
    expect((await saveProfile(world.context, member, profile("After"))).applied).toBe(true);
    expect((await createProfileStore(redis, world.keys).get(member.id))?.gamerTag).toBe("After");
    expect(sorted(await world.rolesOf(member.id))).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
  });
});
