import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { GuildPort } from "@/lib/actions/guild-port";
import { productKeyspace } from "@/lib/actions/keys";
import { subjects } from "@/lib/actions/locks";
import { runExclusive } from "@/lib/actions/saga";
import { readAudit } from "@/lib/audit/log";
import { saveProfile } from "@/lib/profile/save-profile";
import type { ProfileInput } from "@/lib/profile/schema";
import { createProfileStore } from "@/lib/profile/store";
import { waitUntilReady } from "@/lib/redis/connection";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/redis-server";
import { createWorld, ids, rejection, sorted, users, type World } from "../../helpers/teams-world";

/**
 * "Acknowledged means replicated": with REDIS_WAIT_REPLICAS=1 an action goes
 * to Discord only once a replica holds its journal, and answers success only
 * once a replica holds its commit. The replica here is a real redis-server
 * replicating from a real primary; it is cut off (REPLICAOF NO ONE) at chosen
 * moments, which leaves it exactly as a promoted replica would be after the
 * primary died then: holding what it had acknowledged, and nothing after.
 */

const waitPolicy = { replicas: 1, timeoutMs: 1_500 };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: { replicaOf?: RedisServerHandle } = {}): Promise<RedisServerHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), "safa-replication-"));
  const handle = await startRedisServer({
    dataDir,
    // The replica's first sync starts at once (Redis waits 5 s by default for more replicas to share it).
    extraArgs: ["--repl-diskless-sync-delay", "0"],
    ...(options.replicaOf ? { replicaOf: { host: "127.0.0.1", port: options.replicaOf.port } } : {}),
  });
  cleanups.push(async () => {
    await handle.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return handle;
}

async function connect(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  if (!(await waitUntilReady(redis, 5_000))) throw new Error(`no connection to ${url}`);
  cleanups.push(async () => redis.disconnect());
  return redis;
}

/** Waits until the primary sees its replica in sync, so the first WAIT of a test is not a race with the initial sync. */
async function replicaOnline(primary: Redis): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (/slave0:.*state=online/.test(await primary.info("replication"))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the replica did not come online");
}

async function world(redis: Redis): Promise<World> {
  const created = await createWorld({ redis });
  cleanups.push(() => created.close());
  created.context.replication = waitPolicy;
  return created;
}

/** Counts the calls that reach Discord, and runs `beforeFirst` just before the first of them. */
function countingGuild(guild: GuildPort, beforeFirst: () => Promise<void> = async () => undefined): { guild: GuildPort; calls: () => number } {
  let calls = 0;
  const counted = async <T>(call: () => Promise<T>): Promise<T> => {
    calls += 1;
    if (calls === 1) await beforeFirst();
    return call();
  };
  return {
    calls: () => calls,
    guild: {
      ...guild,
      addRole: (userId, roleId) => counted(() => guild.addRole(userId, roleId)),
      removeRole: (userId, roleId) => counted(() => guild.removeRole(userId, roleId)),
      createRole: (name) => counted(() => guild.createRole(name)),
      deleteRole: (roleId) => counted(() => guild.deleteRole(roleId)),
    },
  };
}

const profile = (gamerTag: string): ProfileInput => ({ gamerTag, platform: "pc", eaFcId: `${gamerTag} id`, country: "NG", position: "MID" });

describe("acknowledged means replicated", () => {
  it("refuses an action before any Discord call when no replica confirms its journal, and leaves nothing behind", async () => {
    const primary = await server();
    const redis = await connect(primary.url);
    const w = await world(redis);
    const user = await w.newMember("lonely_primary", []);
    const counting = countingGuild(w.context.guild);
    w.context.guild = counting.guild;

    const error = await rejection(saveProfile(w.context, user, profile("Lonely")));
    expect(error.code).toBe("storage_unavailable");
    expect(error.status).toBe(503);
    expect(error.extra.retryAfterSeconds).toBeGreaterThan(0);
    expect(counting.calls()).toBe(0);
    expect(await w.rolesOf(user.id)).toEqual([]);
    expect(await redis.hlen(w.keys.journals)).toBe(0);
    expect(await createProfileStore(redis, w.keys).get(user.id)).toBeNull();

    // The same action goes through once nobody is waited for: the refusal was the WAIT, not the action.
    w.context.replication = { replicas: 0, timeoutMs: 0 };
    expect((await saveProfile(w.context, user, profile("Lonely"))).applied).toBe(true);
  });

  it("answers success once the replica holds the commit", async () => {
    const primary = await server();
    const replica = await server({ replicaOf: primary });
    const redis = await connect(primary.url);
    await replicaOnline(redis);
    const w = await world(redis);
    const user = await w.newMember("replicated_saver", []);

    const result = await saveProfile(w.context, user, profile("Replicated"));
    expect(result.applied).toBe(true);
    // Read from the replica itself, at once: the answer waited for it.
    const onReplica = await connect(replica.url);
    expect((await createProfileStore(onReplica, w.keys).get(user.id))?.gamerTag).toBe("Replicated");
    expect(await onReplica.hlen(w.keys.journals)).toBe(0);
  });

  it("answers outcome_unsure when the replica stops confirming after the journal; the change stands on a primary that lives", async () => {
    const primary = await server();
    const replica = await server({ replicaOf: primary });
    const redis = await connect(primary.url);
    await replicaOnline(redis);
    const onReplica = await connect(replica.url);
    const w = await world(redis);
    const user = await w.newMember("unsure_survivor", []);
    const counting = countingGuild(w.context.guild, async () => {
      await onReplica.replicaof("NO", "ONE");
    });
    w.context.guild = counting.guild;

    const error = await rejection(saveProfile(w.context, user, profile("Survivor")));
    expect(error.code).toBe("outcome_unsure");
    expect(error.status).toBe(503);
    expect(error.extra.retryAfterSeconds).toBe(3);
    expect(error.message).toMatch(/Reload in a few seconds/);
    // The primary did not die: the change went through, once, on both halves.
    expect((await createProfileStore(redis, w.keys).get(user.id))?.gamerTag).toBe("Survivor");
    expect(await redis.hlen(w.keys.journals)).toBe(0);
    expect(sorted(await w.rolesOf(user.id))).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    const saves = (await readAudit(redis, w.keys.audit, 50)).filter((entry) => entry.action === "profile.save" && entry.actorId === user.id);
    expect(saves).toHaveLength(1);
  });

  it("after a failover that lost an unconfirmed commit, the promoted replica's journal is undone by the next action on the same user", async () => {
    const primary = await server();
    const replica = await server({ replicaOf: primary });
    const redis = await connect(primary.url);
    await replicaOnline(redis);
    const promoted = await connect(replica.url);
    const w = await world(redis);
    const user = await w.newMember("lost_commit", []);
    // The replica is cut off after it confirmed the journal and before the commit: what it holds is what a promoted replica would.
    const counting = countingGuild(w.context.guild, async () => {
      await promoted.replicaof("NO", "ONE");
    });
    w.context.guild = counting.guild;

    const error = await rejection(saveProfile(w.context, user, profile("Lost")));
    expect(error.code).toBe("outcome_unsure");
    expect(sorted(await w.rolesOf(user.id))).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    expect(await promoted.hlen(w.keys.journals)).toBe(1);
    expect(await createProfileStore(promoted, w.keys).get(user.id)).toBeNull();

    // The save's lock reached the replica and its release did not: as after a real failover, it holds until its lease runs out.
    const lockKey = w.keys.lock(subjects.user(user.id));
    expect(await promoted.pttl(lockKey)).toBeGreaterThan(0);
    await promoted.del(lockKey);

    // The app now talks to the promoted replica (as Sentinel would send it): the next action on this user settles the journal first.
    const after = w.process().context;
    after.redis = promoted;
    after.keys = productKeyspace(`${w.prefix}safa:`);
    await runExclusive(after, [subjects.user(user.id)], async () => undefined);
    expect(await promoted.hlen(w.keys.journals)).toBe(0);
    expect(await w.rolesOf(user.id)).toEqual([]);

    // And the user's retry goes through exactly once.
    expect((await saveProfile(after, user, profile("Retried"))).applied).toBe(true);
    expect((await createProfileStore(promoted, w.keys).get(user.id))?.gamerTag).toBe("Retried");
    expect(sorted(await w.rolesOf(user.id))).toEqual(sorted([ids.updatedProfile, ids.freeAgent]));
    const saves = (await readAudit(promoted, w.keys.audit, 50)).filter((entry) => entry.action === "profile.save" && entry.actorId === user.id);
    expect(saves.map((entry) => entry.detail)).toEqual(["Retried"]);
  });

  it("answers outcome_unsure for a Redis-only action (a join request) that no replica confirmed", async () => {
    const primary = await server();
    const replica = await server({ replicaOf: primary });
    const redis = await connect(primary.url);
    await replicaOnline(redis);
    const w = await world(redis);
    const { teamId } = await w.service.createTeam(users.freeagent, { name: "Unsure United", tag: "UNU" });
    if (teamId === null) throw new Error("the team was not created");
    const onReplica = await connect(replica.url);
    await onReplica.replicaof("NO", "ONE");

    const error = await rejection(w.service.requestToJoin(users.freeagent2, teamId));
    expect(error.code).toBe("outcome_unsure");
    expect(await redis.zscore(w.keys.requests(teamId), users.freeagent2.id)).not.toBeNull();
  });
});
