import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishRolesChanged } from "@/lib/events/publish";
import { eventKeyspace } from "@/lib/events/keys";
import { gatewayKeyspace } from "@/lib/gateway/keys";
import type { GatewayPolicy } from "@/lib/gateway/policy";
import { readMirrorStatus } from "@/lib/gateway/status";
import { createGatewayWorker, type GatewayWorker } from "@/lib/gateway/worker";
import { chooseView } from "@/lib/roles/view";
import { botToken } from "../../helpers/gateway-kit";
import { appServices, guildId, memberRoute, signIn } from "../../helpers/harness";
import { createWorld, ids, rejection, users, type World } from "../../helpers/teams-world";

/**
 * The role service with a real Gateway worker beside it: while the mirror
 * is live every answer comes from it without a Discord call, and follows
 * what moderators do on Discord at once; when the mirror is not live, the
 * paced path with the user's own token answers as before.
 */
const quickPolicy: Partial<GatewayPolicy> = { leaseMs: 600, renewEveryMs: 150, standbyPollMs: 150, connectRetryMs: 200, retryPauseMs: 50 };
const keys = gatewayKeyspace(guildId);
const notices = eventKeyspace();

let world: World;
let services: ReturnType<typeof appServices>;
let worker: GatewayWorker | null = null;

beforeEach(async () => {
  world = await createWorld();
  services = appServices(world.redis, world.emu);
});
afterEach(async () => {
  await worker?.stop("abandon");
  worker = null;
  await services.rest.close();
  await world.close();
});

/** A worker wired as `npm run gateway` wires it: each member change is pushed to that member's open tabs. */
async function liveMirror(): Promise<void> {
  const connection = world.redis.duplicate();
  const started = createGatewayWorker({
    redis: connection,
    guildId,
    botToken,
    apiBase: world.emu.apiBase,
    workerId: "live-roles",
    policy: quickPolicy,
    onMemberChanged: ({ userId }) => void publishRolesChanged(connection, userId),
  });
  worker = {
    ...started,
    async stop(end) {
      await started.stop(end);
      connection.disconnect();
    },
  };
  started.start();
  await expect.poll(async () => (await readMirrorStatus(world.redis, guildId)).live, { timeout: 10_000, interval: 50 }).toBe(true);
}

async function memberLookups(): Promise<number> {
  return (await world.emu.stats()).routes[memberRoute]?.requests ?? 0;
}

async function lookup(userId: string, sessionId: string) {
  const answer = await services.roles.lookup(userId, sessionId);
  if (answer.kind !== "roles") throw new Error(`no roles: ${answer.message}`);
  return { ...answer, view: chooseView(answer.snapshot.member, answer.snapshot.roles, ids).view };
}

describe("the role service with the Gateway mirror live", () => {
  it("answers every lookup from the mirror without a single Discord call", async () => {
    await liveMirror();
    const session = await signIn(world.emu, services, users.player.id);
    for (let i = 0; i < 5; i += 1) {
      const answer = await lookup(users.player.id, session.sessionId);
      expect(answer).toMatchObject({ how: "live", stale: false, discordBusy: false, view: "player" });
      expect(answer.snapshot.roles).toEqual(expect.arrayContaining([ids.player, ids.lagosLions]));
    }
    expect(await memberLookups()).toBe(0);
  });

  it("answers a moderator's role change with the next read, and pushes it to the member's open tabs", async () => {
    await liveMirror();
    const session = await signIn(world.emu, services, users.freeagent3.id);
    expect(await lookup(users.freeagent3.id, session.sessionId)).toMatchObject({ how: "live", view: "free-agent" });
    const noticesBefore = await world.redis.xlen(notices.notices(users.freeagent3.id));

    await world.emu.control(`members/${users.freeagent3.id}/roles`, { body: { add: [ids.player, ids.lagosLions], remove: [ids.freeAgent] } });
    await expect.poll(async () => (await lookup(users.freeagent3.id, session.sessionId)).view, { timeout: 1_000, interval: 20 }).toBe("player");
    // The stream reads what `current` reads when the notice arrives.
    expect((await services.roles.current(users.freeagent3.id))?.roles).toEqual(expect.arrayContaining([ids.player, ids.lagosLions]));
    await expect.poll(() => world.redis.xlen(notices.notices(users.freeagent3.id)), { timeout: 1_000, interval: 20 }).toBeGreaterThan(noticesBefore);
    expect(await memberLookups()).toBe(0);
  });

  it("prefers the mirror to a cache entry written by an answer that started before the event", async () => {
    await liveMirror();
    // A write-through of roles read before a moderator took the player role away lands after the event.
    await world.emu.control(`members/${users.player.id}/roles`, { body: { remove: [ids.player] } });
    await expect.poll(async () => (await services.roles.current(users.player.id))?.roles.includes(ids.player), { timeout: 1_000, interval: 20 }).toBe(false);
    await services.roles.writeThrough(users.player.id, [ids.updatedProfile, ids.player, ids.lagosLions]);
    const session = await signIn(world.emu, services, users.player.id);
    const answer = await lookup(users.player.id, session.sessionId);
    expect(answer.how).toBe("live");
    expect(answer.snapshot.roles).not.toContain(ids.player);
    expect((await services.roles.current(users.player.id))?.roles).not.toContain(ids.player);
  });

  it("shows a member who leaves the join view at their next read and keeps them signed in; rejoining brings them back", async () => {
    await liveMirror();
    const session = await signIn(world.emu, services, users.freeagent2.id);
    expect(await lookup(users.freeagent2.id, session.sessionId)).toMatchObject({ how: "live", view: "free-agent" });

    await world.emu.control(`members/${users.freeagent2.id}`, { method: "DELETE" });
    await expect.poll(async () => (await lookup(users.freeagent2.id, session.sessionId)).view, { timeout: 1_000, interval: 20 }).toBe("join-server");
    expect(await lookup(users.freeagent2.id, session.sessionId)).toMatchObject({ how: "live", snapshot: { member: false, roles: [] } });
    expect(await services.tokens.alive(session.sessionId)).toBe(true);
    // Their actions are refused at once (judged from the roles known, then from the bot's read under the locks).
    const refused = await rejection(world.service.createTeam(users.freeagent2, { name: "Gone Away FC", tag: "GONE" }));
    expect(["not_in_server", "profile_required"]).toContain(refused.code);
    expect(await world.guildRoleNames()).not.toContain("Gone Away FC");

    await world.emu.control(`members/${users.freeagent2.id}`, { method: "PUT" });
    await world.emu.control(`members/${users.freeagent2.id}/roles`, { body: { add: [ids.updatedProfile, ids.freeAgent] } });
    await expect.poll(async () => (await lookup(users.freeagent2.id, session.sessionId)).view, { timeout: 1_000, interval: 20 }).toBe("free-agent");
    expect(await memberLookups()).toBe(0);
  });

  it("refuses a manager demoted on Discord their manager actions at once, server-side", async () => {
    await world.seedDemoTeams();
    await liveMirror();
    // The manager opens the dashboard: the team is adopted from their Discord roles.
    expect((await world.service.myTeam(users.manager)).team).toMatchObject({ id: ids.lagosLions, managerId: users.manager.id });
    await world.service.requestToJoin(users.freeagent, ids.lagosLions);

    await world.emu.control(`members/${users.manager.id}/roles`, { body: { remove: [ids.teamManager] } });
    const session = await signIn(world.emu, services, users.manager.id);
    await expect.poll(async () => (await lookup(users.manager.id, session.sessionId)).view, { timeout: 1_000, interval: 20 }).toBe("free-agent");

    const refused = await rejection(world.service.approveRequest(users.manager, ids.lagosLions, users.freeagent.id));
    expect(refused.code).toBe("forbidden");
    expect(await world.rolesOf(users.freeagent.id)).toEqual([ids.updatedProfile, ids.freeAgent].sort());
  });
});

describe("the role service when the mirror is not live", () => {
  it("falls back to the paced path when the worker stops: one lookup with the user's token, then the cache until the pace allows", async () => {
    await liveMirror();
    const session = await signIn(world.emu, services, users.player.id);
    expect((await lookup(users.player.id, session.sessionId)).how).toBe("live");

    await worker?.stop("abandon");
    worker = null;
    await expect.poll(async () => (await readMirrorStatus(world.redis, guildId)).live, { timeout: 5_000, interval: 100 }).toBe(false);

    const fresh = await lookup(users.player.id, session.sessionId);
    expect(fresh).toMatchObject({ how: "fresh", stale: false, view: "player" });
    expect(await memberLookups()).toBe(1);
    const paced = await lookup(users.player.id, session.sessionId);
    expect(paced).toMatchObject({ how: "paced", stale: true, view: "player" });
    expect(paced.nextRefreshAt).toBeGreaterThan(Date.now());
    expect(await memberLookups()).toBe(1);
  });

  it("falls back to the paced path when Redis lost the mirror's status, though the leader still beats", async () => {
    await liveMirror();
    await world.redis.del(keys.status);
    const session = await signIn(world.emu, services, users.player.id);
    expect(await lookup(users.player.id, session.sessionId)).toMatchObject({ how: "fresh", view: "player" });
    expect(await memberLookups()).toBe(1);
  });

  it("falls back to the paced path while a resync runs", async () => {
    await liveMirror();
    await world.redis.hset(keys.status, "resync", "running");
    expect((await readMirrorStatus(world.redis, guildId)).live).toBe(false);
    const session = await signIn(world.emu, services, users.player.id);
    expect(await lookup(users.player.id, session.sessionId)).toMatchObject({ how: "fresh" });
    expect(await memberLookups()).toBe(1);
  });
});
