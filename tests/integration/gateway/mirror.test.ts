import type { GatewayDispatchPayload } from "discord-api-types/v10";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyMirrorOps, StaleFenceError } from "@/lib/gateway/apply-ops";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import { acquireLease } from "@/lib/gateway/lease";
import { subscribeMemberChanges, type MemberChange } from "@/lib/gateway/member-changed";
import { opsForDispatch, type MirrorOp } from "@/lib/gateway/mirror-ops";
import { gatewayPolicy } from "@/lib/gateway/policy";
import { readMirroredMember, readMirroredRoles, readMirrorStatus } from "@/lib/gateway/status";
import { createRoleService, roleKeys, type TokenSource } from "@/lib/roles/service";
import { freshRedis } from "../../helpers/harness";
import { member, memberAdd, memberRemove, membersChunk, memberUpdate, role, roleCreate, roleDelete, roleUpdate, testGuildId, typingStart } from "../../unit/gateway/dispatches";

/**
 * The mirror applied from synthetic dispatches against a real Redis: every
 * event kind, replays and duplicates, late events, leaving members, role
 * deletes, resync reconciliation, and the fence.
 */
describe("the Gateway mirror in Redis", () => {
  let redis: Redis;
  let holder: string;
  const keys = gatewayKeyspace(testGuildId);
  let clock = 1_800_000_000_000;

  beforeEach(async () => {
    redis = await freshRedis();
    holder = (await acquireLease(redis, keys, "worker-a", 60_000, clock)) ?? "";
    expect(holder).toBe("1:worker-a");
  });
  afterEach(() => redis.disconnect());

  function apply(items: (GatewayDispatchPayload | MirrorOp)[], as = holder) {
    clock += 1_000;
    const ops = items.flatMap((item) => ("op" in item ? opsForDispatch(item, testGuildId) : [item]));
    return applyMirrorOps(redis, keys, as, ops, { nowMs: clock, cacheTtlSeconds: gatewayPolicy.cacheTtlSeconds });
  }

  /** The role service reads the cache entries the mirror writes, unchanged (its `cached` asks nobody for tokens). */
  function roleService() {
    const tokens = {} as TokenSource;
    return createRoleService({ redis, apiBase: "http://127.0.0.1:9/api/v10", guildId: testGuildId, tokens });
  }

  it("mirrors joins, role changes and leaves into the role service's cache", async () => {
    const roles = roleService();
    const joined = await apply([memberAdd(2, "31", ["100"])]);
    expect(joined).toMatchObject({ sequence: 2, changed: ["31"] });
    expect(await roles.cached("31")).toEqual({ member: true, roles: ["100"], nick: null, joinedAt: "2026-01-02T03:04:05.000Z", fetchedAt: clock });

    await apply([memberUpdate(3, "31", ["100", "200"], "Ace")]);
    expect(await roles.cached("31")).toMatchObject({ member: true, roles: ["100", "200"], nick: "Ace", fetchedAt: clock });
    const ttl = await redis.ttl(roleKeys.cache(testGuildId, "31"));
    expect(ttl).toBeGreaterThan(gatewayPolicy.cacheTtlSeconds - 5);

    const left = await apply([memberRemove(4, "31")]);
    expect(left.changed).toEqual(["31"]);
    expect(await roles.cached("31")).toEqual({ member: false, roles: [], nick: null, joinedAt: null, fetchedAt: clock });
    expect(await redis.hexists(keys.members, "31")).toBe(0);
  });

  it("writes a member without roles as an empty list the role service accepts", async () => {
    await apply([memberAdd(2, "32", [])]);
    expect(await roleService().cached("32")).toMatchObject({ member: true, roles: [] });
  });

  it("ignores replays and duplicates: nothing moves backwards, nothing is announced twice", async () => {
    await apply([memberAdd(2, "31", ["100"]), memberUpdate(3, "31", ["100", "200"])]);
    const replayed = await apply([memberAdd(2, "31", ["100"]), memberUpdate(3, "31", ["100", "200"])]);
    expect(replayed).toMatchObject({ sequence: 3, changed: [] });
    expect(await roleService().cached("31")).toMatchObject({ roles: ["100", "200"] });
  });

  it("drops an event older than one already applied (out of order)", async () => {
    await apply([memberUpdate(7, "31", ["300"])]);
    const late = await apply([memberUpdate(6, "31", ["100"]), memberRemove(5, "31")]);
    expect(late).toMatchObject({ sequence: 7, changed: [] });
    expect(await roleService().cached("31")).toMatchObject({ member: true, roles: ["300"] });
  });

  it("reports a re-confirmed member without a change as unchanged, but refreshes when it was confirmed", async () => {
    await apply([memberAdd(2, "31", ["100", "200"])]);
    const before = clock;
    const same = await apply([memberUpdate(3, "31", ["200", "100"], "New nick")]);
    expect(same.changed).toEqual([]);
    expect((await roleService().cached("31"))?.fetchedAt).toBeGreaterThan(before);
  });

  it("keeps the guild's roles and removes a deleted role from every holder", async () => {
    await apply([
      roleCreate(2, role("100", "Player", 3)),
      roleCreate(3, role("200", "Team Lions", 5)),
      memberAdd(4, "31", ["100", "200"]),
      memberAdd(5, "32", ["200"]),
      memberAdd(6, "33", ["100"]),
      roleUpdate(7, role("200", "Team Lagos Lions", 6)),
    ]);
    expect((await readMirroredRoles(redis, testGuildId)).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: "100", name: "Player", permissions: "0", position: 3, managed: false },
      { id: "200", name: "Team Lagos Lions", permissions: "0", position: 6, managed: false },
    ]);
    const deleted = await apply([roleDelete(8, "200")]);
    expect(deleted.changed.sort()).toEqual(["31", "32"]);
    const roles = roleService();
    expect(await roles.cached("31")).toMatchObject({ roles: ["100"] });
    expect(await roles.cached("32")).toMatchObject({ member: true, roles: [] });
    expect(await roles.cached("33")).toMatchObject({ roles: ["100"] });
    expect((await readMirroredRoles(redis, testGuildId)).map((r) => r.id)).toEqual(["100"]);
  });

  it("a resync forgets members no chunk or event confirmed, and then the mirror is live", async () => {
    await apply([memberAdd(2, "31", ["100"]), memberAdd(3, "32", ["100"]), memberAdd(4, "33", ["100"])]);
    await apply([{ t: "resync-begin" }, membersChunk(5, [member("31", ["100"]), member("32", ["200"])], 0, 2, "n1")]);
    expect((await readMirrorStatus(redis, testGuildId, { nowMs: clock })).resyncRunning).toBe(true);
    await apply([memberAdd(6, "34", [])]);
    const finished = await apply([membersChunk(7, [], 1, 2, "n1"), { t: "resync-finish" }]);
    expect(finished.changed).toEqual(["33"]);
    expect(await roleService().cached("33")).toMatchObject({ member: false });
    expect(await redis.hkeys(keys.members)).toEqual(expect.arrayContaining(["31", "32", "34"]));

    await redis.hset(keys.status, "heartbeatAt", clock);
    const status = await readMirrorStatus(redis, testGuildId, { nowMs: clock });
    expect(status).toMatchObject({ live: true, resyncRunning: false, resyncCount: 1, resyncDoneAt: clock, membersMirrored: 3, lastEventSeq: 7, lastEventAt: clock });
    expect((await readMirroredMember(redis, testGuildId, "32", { nowMs: clock })).snapshot).toMatchObject({ member: true, roles: ["200"] });
    expect((await readMirroredMember(redis, testGuildId, "99", { nowMs: clock })).snapshot).toMatchObject({ member: false, roles: [] });
    expect((await readMirroredMember(redis, testGuildId, "32", { nowMs: clock + 10_000 })).snapshot).toBeNull();
  });

  it("a resync owed (the session was lost) makes the mirror not live and voids a running resync's finish until the next one", async () => {
    await apply([memberAdd(2, "31", ["100"]), memberAdd(3, "32", ["100"]), { t: "resync-begin" }, membersChunk(4, [member("31", ["100"])], 0, 2, "n1")]);
    await apply([{ t: "session-clear" }, { t: "resync-needed", why: "session-lost" }]);
    const neededAt = clock;
    await redis.hset(keys.status, "heartbeatAt", clock);
    expect(await readMirrorStatus(redis, testGuildId, { nowMs: clock })).toMatchObject({ live: false, resyncRunning: false, resyncNeeded: { since: neededAt, why: "session-lost" } });
    expect((await readMirroredMember(redis, testGuildId, "31", { nowMs: clock })).snapshot).toBeNull();

    // The lost session's last chunk and finish change nothing: "32" was never confirmed, yet stays.
    const voided = await apply([{ t: "resync-finish" }]);
    expect(voided.changed).toEqual([]);
    expect(await redis.hexists(keys.members, "32")).toBe(1);
    expect(await readMirrorStatus(redis, testGuildId, { nowMs: clock })).toMatchObject({ live: false, resyncCount: 1 });

    await apply([{ t: "resync-begin" }, membersChunk(1, [member("31", ["100"]), member("32", ["100"])], 0, 1, "n2"), { t: "resync-finish" }]);
    await redis.hset(keys.status, "heartbeatAt", clock);
    expect(await readMirrorStatus(redis, testGuildId, { nowMs: clock })).toMatchObject({ live: true, resyncNeeded: null, resyncCount: 2, resyncDoneAt: clock });
  });

  it("a new session starts its sequence again; ignored dispatches still move it", async () => {
    await apply([{ t: "session", id: "old", url: "ws://old", shards: 1 }, memberAdd(50, "31", ["100"]), typingStart(51)]);
    expect(await redis.hget(keys.session, "sequence")).toBe("51");
    const fresh = await apply([{ t: "session", id: "new", url: "ws://new", shards: 1 }, memberUpdate(1, "31", ["200"])]);
    expect(fresh).toMatchObject({ sequence: 1, sessionId: "new", changed: ["31"] });
    expect(await redis.hgetall(keys.session)).toEqual({ sessionId: "new", resumeUrl: "ws://new", shardCount: "1", sequence: "1" });
  });

  it("refuses every write of a leader whose lease was taken over (a stale fencing token)", async () => {
    await redis.del(keys.lease);
    const newer = await acquireLease(redis, keys, "worker-b", 60_000, clock);
    expect(newer).toBe("2:worker-b");
    await expect(apply([memberAdd(2, "31", ["100"])], holder)).rejects.toBeInstanceOf(StaleFenceError);
    expect(await redis.exists(roleKeys.cache(testGuildId, "31"), keys.members)).toBe(0);
    await expect(apply([memberAdd(2, "31", ["100"])], newer ?? "")).resolves.toMatchObject({ changed: ["31"] });
  });

  it("announces changed members on the pub/sub channel", async () => {
    const heard: MemberChange[] = [];
    const unsubscribe = await subscribeMemberChanges(redis, (change) => heard.push(change));
    try {
      const { publishMemberChanges } = await import("@/lib/gateway/member-changed");
      await publishMemberChanges(redis, testGuildId, ["31", "32"]);
      await expect.poll(() => heard.length).toBe(2);
      expect(heard).toEqual([{ guildId: testGuildId, userId: "31" }, { guildId: testGuildId, userId: "32" }]);
    } finally {
      await unsubscribe();
    }
  });

  it("writes 10,000 members in batches of the script's budget", async () => {
    await apply([{ t: "resync-begin" }]);
    for (let chunk = 0; chunk < 10; chunk++) {
      const members = Array.from({ length: 1_000 }, (_, i) => member(String(10_000_000 + chunk * 1_000 + i), ["100", "200"]));
      await apply([membersChunk(chunk + 2, members, chunk, 10, "n")]);
    }
    await apply([{ t: "resync-finish" }]);
    expect(await redis.hlen(keys.members)).toBe(10_000);
    expect(await roleService().cached("10009999")).toMatchObject({ member: true, roles: ["100", "200"] });
  });
});
