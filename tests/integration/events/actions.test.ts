import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { announcingRoleChanges, createChangeNotices } from "@/lib/events/change-notices";
import { liveRolesOf } from "@/lib/events/live-roles";
import type { StreamUser } from "@/lib/events/open-stream";
import { approveRequest, createTeam, declineRequest, disbandTeam, myTeam, requestToJoin } from "@/lib/teams";
import type { TeamContext } from "@/lib/teams/context";
import { createWorld, ids, users, type World } from "../../helpers/teams-world";
import { streamKit, type ReadEvent } from "./stream-kit";

/**
 * The actions engine and the teams feature announcing their changes, read
 * through real streams: the team as `GET /api/teams/mine` answers it and the
 * roles from the role cache, as the app wires them (lib/events/index.ts).
 */

let world: World;
let kit: ReturnType<typeof streamKit>;
let context: TeamContext;

beforeEach(async () => {
  world = await createWorld();
  kit = streamKit();
  const notices = createChangeNotices(world.redis, world.keys, kit.keys);
  context = { ...world.context, notices, roleCache: announcingRoleChanges(world.roleCache, notices) };
});

afterEach(async () => {
  await kit.close();
  await world.close();
});

const session = (user: { id: string; name: string }): StreamUser => ({ ...user, sessionId: `session-${user.id}` });

async function watch(user: { id: string; name: string }) {
  const hub = await kit.process();
  const stream = await kit.open(hub, {
    as: session(user),
    deps: {
      readTeam: (who) => myTeam(context, who),
      readRoles: async (userId) => {
        const snapshot = await world.roleCache.cached(userId);
        return snapshot ? liveRolesOf(snapshot, ids) : null;
      },
    },
  });
  expect((await stream.events.next())?.event).toBe("ready");
  return stream;
}

/** Events until `done` says the page would now show what it should, or the wait runs out. */
async function until(stream: Awaited<ReturnType<typeof watch>>, done: (seen: ReadEvent[]) => boolean, waitMs = 5_000): Promise<ReadEvent[]> {
  const seen: ReadEvent[] = [];
  const deadline = Date.now() + waitMs;
  while (!done(seen) && Date.now() < deadline) {
    const event = await stream.events.next(deadline - Date.now());
    if (event) seen.push(event);
  }
  return seen;
}

type TeamData = { team: { id: string; roster: { userId: string }[]; requests: { userId: string }[] } | null };
const lastOf = (seen: ReadEvent[], name: string) => seen.filter((event) => event.event === name).at(-1)?.data;

describe("live updates from actions", () => {
  it("a request reaches the manager's page; the approval reaches the player's as the player view and the roster", async () => {
    const created = await createTeam(context, users.freeagent, { name: "Cape Town Cobras", tag: "CTC" });
    const teamId = created.teamId ?? "";
    const manager = await watch(users.freeagent);
    const joiner = await watch(users.freeagent2);

    await requestToJoin(context, users.freeagent2, teamId);
    const managerSaw = await until(manager, (seen) => ((lastOf(seen, "team") as TeamData | undefined)?.team?.requests.length ?? 0) > 0);
    expect((lastOf(managerSaw, "team") as TeamData).team?.requests.map((request) => request.userId)).toEqual([users.freeagent2.id]);

    await approveRequest(context, users.freeagent, teamId, users.freeagent2.id);
    const joinerSaw = await until(joiner, (seen) => (lastOf(seen, "roles") as { view?: string } | undefined)?.view === "player" && lastOf(seen, "team") !== undefined);
    expect((lastOf(joinerSaw, "roles") as { view: string; roles: string[] }).roles).toEqual(expect.arrayContaining([ids.player, teamId]));
    expect((lastOf(joinerSaw, "team") as TeamData).team?.roster.map((entry) => entry.userId)).toContain(users.freeagent2.id);

    const managerSawApproval = await until(manager, (seen) => ((lastOf(seen, "team") as TeamData | undefined)?.team?.roster.length ?? 0) === 2);
    expect((lastOf(managerSawApproval, "team") as TeamData).team?.requests).toEqual([]);
  });

  it("a decline reaches the player who asked; a disband reaches every member, who sees no team and the free-agent view", async () => {
    const created = await createTeam(context, users.freeagent, { name: "Cape Town Cobras", tag: "CTC" });
    const teamId = created.teamId ?? "";
    await requestToJoin(context, users.freeagent3, teamId);
    const asker = await watch(users.freeagent3);
    await declineRequest(context, users.freeagent, teamId, users.freeagent3.id);
    expect((await until(asker, (seen) => seen.some((event) => event.event === "team"))).map((event) => event.event)).toContain("team");

    const manager = await watch(users.freeagent);
    await disbandTeam(context, users.freeagent, teamId);
    const seen = await until(manager, (events) => (lastOf(events, "roles") as { view?: string } | undefined)?.view === "free-agent" && lastOf(events, "team") !== undefined);
    expect((lastOf(seen, "team") as TeamData).team).toBeNull();
    expect((lastOf(seen, "roles") as { view: string }).view).toBe("free-agent");
  });

  it("a role write that changes nothing announces nothing", async () => {
    const stream = await watch(users.freeagent2);
    const roles = (await world.roleCache.cached(users.freeagent2.id))?.roles ?? [ids.updatedProfile, ids.freeAgent];
    await context.roleCache.writeThrough(users.freeagent2.id, roles);
    const first = await until(stream, (seen) => seen.length > 0, 1_000);
    await context.roleCache.writeThrough(users.freeagent2.id, roles);
    expect(await stream.events.next(300)).toBeNull();
    // The first write may announce (nothing was cached before it); the repeat never does.
    expect(first.length).toBeLessThanOrEqual(1);
  });
});
