import { setTimeout as sleep } from "node:timers/promises";
import type { APIGuildMember } from "discord-api-types/v10";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { productKeyspace } from "@/lib/actions/keys";
import { applyMirrorOps } from "@/lib/gateway/apply-ops";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import { acquireLease } from "@/lib/gateway/lease";
import { opsForDispatch, type MirrorOp } from "@/lib/gateway/mirror-ops";
import { gatewayPolicy, type GatewayPolicy } from "@/lib/gateway/policy";
import { readMirrorStatus } from "@/lib/gateway/status";
import { createGatewayWorker, type GatewayWorker } from "@/lib/gateway/worker";
import { decodeIdentity } from "@/lib/identity/identity";
import { createIdentityStore } from "@/lib/identity/store";
import { myTeam } from "@/lib/teams";
import type { TeamContext } from "@/lib/teams/context";
import { PERSONAS } from "@/emulator/fixture";
import { checkProductRecords } from "../../../scripts/records/product-records";
import { botToken } from "../../helpers/gateway-kit";
import { freshRedis, guildId } from "../../helpers/harness";
import { createWorld, users, type World } from "../../helpers/teams-world";
import { member, memberAdd, memberRemove, membersChunk, memberUpdate, testGuildId } from "../../unit/gateway/dispatches";

/**
 * Identities (Discord's names and avatar hash per user) written by the
 * Gateway mirror beside the roles it mirrors, and read by rosters: a member
 * who never logged in is named and pictured as Discord shows them.
 */

const avatarHash = "0123456789abcdef0123456789abcdef";
const quickPolicy: Partial<GatewayPolicy> = { leaseMs: 600, renewEveryMs: 150, standbyPollMs: 150, connectRetryMs: 200, retryPauseMs: 50 };

function withUser(payload: APIGuildMember, user: Partial<APIGuildMember["user"]>): APIGuildMember {
  return { ...payload, user: { ...payload.user, ...user } };
}

describe("the Gateway mirror's identities", () => {
  let redis: Redis;
  let holder: string;
  const keys = gatewayKeyspace(testGuildId);
  let clock = 1_800_000_000_000;

  beforeEach(async () => {
    redis = await freshRedis();
    holder = (await acquireLease(redis, keys, "worker-a", 60_000, clock)) ?? "";
  });
  afterEach(() => redis.disconnect());

  function apply(ops: MirrorOp[], as = holder) {
    clock += 1_000;
    return applyMirrorOps(redis, keys, as, ops, { nowMs: clock, cacheTtlSeconds: gatewayPolicy.cacheTtlSeconds });
  }

  const identity = async (userId: string) => decodeIdentity(await redis.hget(keys.identities, userId));

  it("stores each member's username, display name and avatar hash, and follows changes", async () => {
    const joined = memberAdd(2, "1300000000000000031", ["100"]);
    joined.d = { ...joined.d, user: { ...joined.d.user, username: "ace", global_name: "Ace Striker", avatar: avatarHash } };
    await apply(opsForDispatch(joined, testGuildId));
    expect(await identity("1300000000000000031")).toEqual({ username: "ace", globalName: "Ace Striker", avatar: avatarHash });

    const renamed = memberUpdate(3, "1300000000000000031", ["100"]);
    renamed.d = { ...renamed.d, user: { ...renamed.d.user, username: "ace", global_name: null, avatar: `a_${avatarHash}` } };
    await apply(opsForDispatch(renamed, testGuildId));
    expect(await identity("1300000000000000031")).toEqual({ username: "ace", globalName: null, avatar: `a_${avatarHash}` });
  });

  it("stores every member of a chunk, and keeps a departed member's identity (histories still name them)", async () => {
    const chunk = membersChunk(4, [withUser(member("1300000000000000041", []), { global_name: "Forty One" }), member("1300000000000000042", ["7"])], 0, 1, "n");
    await apply(opsForDispatch(chunk, testGuildId));
    expect(await identity("1300000000000000041")).toMatchObject({ globalName: "Forty One", avatar: null });
    expect(await identity("1300000000000000042")).toMatchObject({ username: "user0042", globalName: null });
    await apply(opsForDispatch(memberRemove(5, "1300000000000000041"), testGuildId));
    expect(await identity("1300000000000000041")).toMatchObject({ globalName: "Forty One" });
    expect(await redis.hexists(keys.members, "1300000000000000041")).toBe(0);
  });

  it("writes nothing for a leader whose lease was taken over", async () => {
    await expect(apply(opsForDispatch(memberAdd(6, "1300000000000000051", []), testGuildId), "0:stale")).rejects.toThrow(/no longer held/);
    expect(await redis.hexists(keys.identities, "1300000000000000051")).toBe(0);
  });

  it("is the hash the product reads", () => {
    expect(gatewayKeyspace(testGuildId, "p:").identities).toBe(productKeyspace("p:").identities);
  });
});

describe("rosters named and pictured from Discord", () => {
  let world: World;
  let worker: GatewayWorker;
  /** The app's wiring: the product reads the identities the mirror writes (both under `safa:` there; the world's records have a prefix of their own). */
  let context: TeamContext;

  beforeAll(async () => {
    world = await createWorld();
    expect(await world.redis.hget(world.keys.userNames, users.player.id)).toBeNull();
    worker = createGatewayWorker({ redis: world.redis, guildId, botToken, apiBase: world.emu.apiBase, policy: quickPolicy });
    worker.start();
    const deadline = Date.now() + 10_000;
    while (!(await readMirrorStatus(world.redis, guildId)).live) {
      if (Date.now() > deadline) throw new Error("the Gateway mirror did not go live within 10 s");
      await sleep(50);
    }
    // Marking the role puts its holders, as the mirror knows them, on the roster: the player never logged in.
    await world.seedDemoTeams();
    context = { ...world.context, keys: { ...world.keys, identities: gatewayKeyspace(guildId).identities }, cdnBase: world.emu.url };
  });
  afterAll(async () => {
    await worker.stop("abandon");
    await world.close();
  });

  const rosterLine = async (userId: string) => (await myTeam(context, users.manager)).team?.roster.find((entry) => entry.userId === userId);

  it("names a member who never logged in by their Discord display name, with their avatar from the CDN", async () => {
    expect(await world.redis.hget(world.keys.userNames, users.player.id)).toBeNull();
    const hash = PERSONAS.find((persona) => persona.id === users.player.id)?.avatar;
    expect(await rosterLine(users.player.id)).toMatchObject({ name: "Player", avatarUrl: `${world.emu.url}/avatars/${users.player.id}/${hash}.png?size=64` });
    const image = await fetch((await rosterLine(users.player.id))?.avatarUrl ?? "");
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
  });

  it("learns a new member's identity from the Gateway as they join", async () => {
    const created = await world.emu.control<{ first_id: string }>("members/bulk", { body: { count: 1, username_prefix: "rookie" } });
    await expect.poll(async () => decodeIdentity(await world.redis.hget(context.keys.identities, created.first_id)), { timeout: 5_000, interval: 50 }).toMatchObject({
      username: "rookie1",
      globalName: null,
      avatar: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
    });
  });

  it("passes the records check, which reports an identity that does not parse", async () => {
    const clean = await checkProductRecords(world.redis, { prefix: "safa:", guildId });
    expect(clean.checked.identities).toBeGreaterThanOrEqual(PERSONAS.filter((persona) => persona.member).length);
    expect(clean.problems).toEqual([]);
    await world.redis.hset(context.keys.identities, "1300000000000000099", JSON.stringify({ username: "", avatar: "../x" }));
    const broken = await checkProductRecords(world.redis, { prefix: "safa:", guildId });
    expect(broken.problems).toEqual([{ key: context.keys.identities, problem: "identity of 1300000000000000099 does not parse" }]);
    await world.redis.hdel(context.keys.identities, "1300000000000000099");
  });

  it("gives Discord's default avatar to a member without one, and 'Member …1234' only when nothing is known", async () => {
    await createIdentityStore(world.redis, context.keys.identities).remember(users.player.id, { username: "player", globalName: null, avatar: null });
    let player = await rosterLine(users.player.id);
    expect(player?.name).toBe("player");
    expect(player?.avatarUrl).toMatch(new RegExp(`^${world.emu.url}/embed/avatars/[0-5]\\.png$`));
    expect((await fetch(player?.avatarUrl ?? "")).status).toBe(200);

    await world.redis.hdel(context.keys.identities, users.player.id);
    await world.redis.hdel(world.keys.userNames, users.player.id);
    player = await rosterLine(users.player.id);
    expect(player?.name).toBe(`Member …${users.player.id.slice(-4)}`);
    expect(player?.avatarUrl).toMatch(/\/embed\/avatars\/[0-5]\.png$/);
  });
});
