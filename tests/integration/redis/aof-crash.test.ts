import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { readAudit, requestStreamOf, type AuditAction } from "@/lib/audit/log";
import { saveProfile } from "@/lib/profile/save-profile";
import type { ProfileInput } from "@/lib/profile/schema";
import { createProfileStore } from "@/lib/profile/store";
import { waitUntilReady } from "@/lib/redis/connection";
import { checkPersistence } from "@/lib/redis/persistence";
import type { ActionResult } from "@/lib/api/answer";
import { createTeamStore } from "@/lib/teams/store";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/redis-server";
import { guildId } from "../../helpers/harness";
import { checkProductRecords } from "../../../scripts/records/product-records";
import { createWorld, type World } from "../../helpers/teams-world";

/**
 * lib/redis/persistence.ts promises that with `appendonly yes` and
 * `appendfsync everysec` a crash of the Redis process, even kill -9, loses no
 * acknowledged write: Redis writes each command to the append-only file
 * before it answers. This holds the product to it: real profile saves and
 * team actions through the real services, SIGKILL right after an
 * acknowledgement while more writes are in flight, a restart from the file
 * on the same port and directory, and then every acknowledged record must be
 * there and parse.
 */

type User = { id: string; name: string };
type Ack = { action: AuditAction; actorId: string; teamId: string | null; targetId: string | null };
type Write = { ack: Ack; apply: () => void };

const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function profileOf(index: number, round: number): ProfileInput {
  return { gamerTag: `Crash_${index}_${round}`, platform: "pc", eaFcId: `crash ${index} r${round}`, country: "NG", position: round % 2 === 0 ? "MID" : "GK" };
}

/** A connection that never reconnects: after the kill, nothing of this run may talk to the restarted server. */
async function connect(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // The kill breaks the connection on purpose; the writes it fails are accounted for below.
  redis.on("error", () => undefined);
  if (!(await waitUntilReady(redis, 5_000))) throw new Error(`no connection to ${url}`);
  return redis;
}

async function startOwnRedis(dataDir: string, port?: number): Promise<RedisServerHandle> {
  const server = await startRedisServer({ dataDir, port, appendfsync: "everysec" });
  cleanups.push(() => server.stop());
  return server;
}

describe("Redis killed with SIGKILL right after acknowledged writes", () => {
  it("restarts from its append-only file with every acknowledged profile, team, member, request and audit entry", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "safa-aof-crash-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const server = await startOwnRedis(dataDir);
    const redis = await connect(server.url);
    expect(await checkPersistence(redis)).toEqual([]);
    const world: World = await createWorld({ redis });
    cleanups.push(() => world.close());

    // What the test was told succeeded, and the state those answers stand for.
    const acks: Ack[] = [];
    const profiles = new Map<string, ProfileInput>();
    const teams = new Map<string, { name: string; tag: string; managerId: string; members: Set<string>; requests: Set<string> }>();
    const disbanded = new Set<string>();

    async function acknowledged(write: Promise<ActionResult>, recorded: (result: ActionResult) => Write): Promise<ActionResult> {
      const result = await write;
      expect(result.applied).toBe(true);
      const { ack, apply } = recorded(result);
      acks.push(ack);
      apply();
      return result;
    }
    const team = (teamId: string) => {
      const found = teams.get(teamId);
      if (!found) throw new Error(`no team ${teamId} in the model`);
      return found;
    };
    const saveAs = (user: User, profile: ProfileInput) =>
      acknowledged(saveProfile(world.context, user, profile), () => ({
        ack: { action: "profile.save", actorId: user.id, teamId: null, targetId: user.id },
        apply: () => profiles.set(user.id, profile),
      }));
    const create = async (user: User, name: string, tag: string) =>
      (
        await acknowledged(world.service.createTeam(user, { name, tag }), (result) => ({
          ack: { action: "team.create", actorId: user.id, teamId: result.teamId, targetId: null },
          apply: () => teams.set(result.teamId ?? "", { name, tag, managerId: user.id, members: new Set([user.id]), requests: new Set() }),
        }))
      ).teamId ?? "";
    const request = (user: User, teamId: string) =>
      acknowledged(world.service.requestToJoin(user, teamId), () => ({
        ack: { action: "team.request", actorId: user.id, teamId, targetId: user.id },
        apply: () => team(teamId).requests.add(user.id),
      }));

    const people: User[] = [];
    for (let index = 0; index < 16; index += 1) people.push(await world.newMember(`aof_${index}`, []));
    const [m0, m1, m2, p3, p4, p5, p6, p7, p8, p9] = people as [User, User, User, User, User, User, User, User, User, User];

    // Acknowledged one after another: every kind of write the product makes.
    for (const [index, user] of people.entries()) await saveAs(user, profileOf(index, 0));
    const alpha = await create(m0, "Crash Alpha", "CRA");
    const bravo = await create(m1, "Crash Bravo", "CRB");
    const charlie = await create(m2, "Crash Charlie", "CRC");
    for (const [user, teamId] of [[p3, alpha], [p4, alpha], [p5, alpha], [p6, bravo], [p7, bravo], [p8, alpha], [p8, bravo], [p9, charlie]] as const) {
      await request(user, teamId);
    }
    for (const [manager, teamId, user] of [[m0, alpha, p3], [m0, alpha, p4], [m1, bravo, p6]] as const) {
      await acknowledged(world.service.approveRequest(manager, teamId, user.id), () => ({
        ack: { action: "team.approve", actorId: manager.id, teamId, targetId: user.id },
        apply: () => {
          team(teamId).requests.delete(user.id);
          team(teamId).members.add(user.id);
        },
      }));
    }
    await acknowledged(world.service.declineRequest(m0, alpha, p5.id), () => ({
      ack: { action: "team.decline", actorId: m0.id, teamId: alpha, targetId: p5.id },
      apply: () => team(alpha).requests.delete(p5.id),
    }));
    await acknowledged(world.service.withdrawRequest(p8, bravo), () => ({
      ack: { action: "team.withdraw", actorId: p8.id, teamId: bravo, targetId: p8.id },
      apply: () => team(bravo).requests.delete(p8.id),
    }));
    await acknowledged(world.service.removeMember(p4, alpha, p4.id), () => ({
      ack: { action: "team.leave", actorId: p4.id, teamId: alpha, targetId: p4.id },
      apply: () => team(alpha).members.delete(p4.id),
    }));
    await acknowledged(world.service.transferManager(m0, alpha, p3.id), () => ({
      ack: { action: "team.transfer", actorId: m0.id, teamId: alpha, targetId: p3.id },
      apply: () => (team(alpha).managerId = p3.id),
    }));
    await acknowledged(world.service.disbandTeam(m2, charlie), () => ({
      ack: { action: "team.disband", actorId: m2.id, teamId: charlie, targetId: null },
      apply: () => {
        teams.delete(charlie);
        disbanded.add(charlie);
      },
    }));

    // Then a burst of writes at once; Redis is killed the moment the eighth answer arrives, the rest still in flight.
    const burst = people.slice(10);
    const burstStart = acks.length;
    const killAfter = 8;
    const unacknowledged = new Map<string, ProfileInput>();
    const exited = new Promise((done) => server.process.once("exit", done));
    let killed = false;
    const whenAcknowledged = <T>(promise: Promise<T>, onAck: () => void) =>
      promise.then((value) => {
        // An answer read after the kill was never seen by the user: its write may or may not be in the file.
        if (killed) return value;
        onAck();
        if (acks.length === burstStart + killAfter) killed = server.process.kill("SIGKILL");
        return value;
      });
    const inFlight = burst.flatMap((user, offset) => {
      const next = profileOf(10 + offset, 1);
      unacknowledged.set(user.id, next);
      return [
        whenAcknowledged(saveProfile(world.context, user, next), () => {
          acks.push({ action: "profile.save", actorId: user.id, teamId: null, targetId: user.id });
          profiles.set(user.id, next);
          unacknowledged.delete(user.id);
        }),
        whenAcknowledged(world.service.requestToJoin(user, bravo), () => {
          acks.push({ action: "team.request", actorId: user.id, teamId: bravo, targetId: user.id });
          team(bravo).requests.add(user.id);
        }),
      ];
    });
    await Promise.allSettled(inFlight);
    await exited;
    expect(killed).toBe(true);
    const unconfirmed = inFlight.length - (acks.length - burstStart);
    expect(unconfirmed, "writes still unanswered at the kill").toBeGreaterThan(0);
    redis.disconnect();

    const restarted = await startOwnRedis(dataDir, server.port);
    const after = await connect(restarted.url);
    cleanups.push(async () => after.disconnect());
    const keys = world.keys;
    const teamStore = createTeamStore(after, keys);
    const profileStore = createProfileStore(after, keys);

    for (const [userId, expected] of profiles) {
      const stored = await profileStore.get(userId);
      expect(stored, `profile of ${userId}`).not.toBeNull();
      const { updatedAt, ...fields } = stored ?? { updatedAt: 0 };
      expect(updatedAt).toBeGreaterThan(0);
      const candidates = [expected, unacknowledged.get(userId)].filter((entry) => entry !== undefined);
      expect(candidates, `profile of ${userId}`).toContainEqual(fields);
    }
    for (const [teamId, expected] of teams) {
      expect(await teamStore.team(teamId)).toMatchObject({ id: teamId, name: expected.name, tag: expected.tag, managerId: expected.managerId });
      expect((await teamStore.members(teamId)).map((entry) => entry.userId).sort()).toEqual([...expected.members].sort());
      for (const userId of expected.members) expect(await teamStore.teamOf(userId)).toBe(teamId);
      const requests = (await teamStore.requests(teamId)).map((entry) => entry.userId);
      // Requests whose answer never came may or may not have been written; every acknowledged one must be there.
      expect(requests).toEqual(expect.arrayContaining([...expected.requests]));
      for (const userId of requests) expect(expected.requests.has(userId) || burst.some((user) => user.id === userId)).toBe(true);
    }
    for (const teamId of disbanded) {
      expect(await teamStore.team(teamId)).toBeNull();
      expect(await teamStore.wasDisbanded(teamId)).toBe(true);
    }

    const audit = await readAudit(after, keys.audit, 1_000);
    expect(audit).toHaveLength((await after.xlen(keys.audit)) + (await after.xlen(requestStreamOf(keys.audit))));
    const unmatched = [...audit];
    for (const ack of acks) {
      const index = unmatched.findIndex(
        (entry) => entry.action === ack.action && entry.actorId === ack.actorId && entry.teamId === ack.teamId && entry.targetId === ack.targetId,
      );
      expect(index, `audit entry for ${JSON.stringify(ack)}`).toBeGreaterThanOrEqual(0);
      unmatched.splice(index, 1);
    }
    // Anything else in the log belongs to a write that was in flight at the kill.
    expect(unmatched.length).toBeLessThanOrEqual(unconfirmed);
    for (const entry of unmatched) expect(burst.map((user) => user.id)).toContain(entry.actorId);

    const report = await checkProductRecords(after, { prefix: `${world.prefix}safa:`, guildId, rosterMax: 23 });
    expect(report.problems).toEqual([]);
    expect(report.openJournals).toBeLessThanOrEqual(unconfirmed);
    expect(report.checked.profile).toBe(people.length);
  }, 120_000);
});
