import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readAudit } from "@/lib/audit/log";
import { cancelWindowChange, changeWindow, lockRoster, setSeason, transferStatus, unlockRoster } from "@/lib/tournament";
import { requireRosterMove } from "@/lib/tournament/rules";
import { createWorld, rejection, users, type World } from "../../helpers/teams-world";

/**
 * The transfer window, roster locks and the season as a tournament admin
 * sets them, against a real Redis and the emulator (admins are judged by
 * roles read fresh through the bot). The clock is the world's, moved by hand.
 */

let world: World;
let offsetMs = 0;
const minute = 60_000;

beforeEach(async () => {
  world = await createWorld();
  offsetMs = 0;
  world.context.now = () => Date.now() + offsetMs;
  world.context.announceChanges = true;
});

afterEach(async () => {
  await world.close();
});

const admin = users.admin;
const now = () => world.context.now();
const move = { teamId: "1300000000000000001", kind: "join", actor: { id: users.manager.id, isAdmin: false } } as const;

async function createTeam(): Promise<string> {
  const result = await world.service.createTeam(users.freeagent, { name: "Cape Town Cobras", tag: "CTC" });
  if (result.teamId === null) throw new Error("no team id");
  return result.teamId;
}

async function outbox(): Promise<{ action: string; detail: string | null; actorId: string }[]> {
  const rows = await world.redis.xrange(world.keys.outbox, "-", "+");
  return rows.map(([, fields]) => JSON.parse(fields[1] ?? "null") as { action: string; detail: string | null; actorId: string });
}

describe("opening and closing now", () => {
  it("reads an untouched window as open, closes and opens it with one audit entry and one announcement each", async () => {
    expect((await transferStatus(world.context, users.freeagent.id)).window).toEqual({ open: true, since: null, opensAt: null, closesAt: null });
    await requireRosterMove(world.context, move);

    expect(await changeWindow(world.context, admin, { change: "close" })).toMatchObject({ applied: true, message: "The transfer window is closed." });
    const closed = await rejection(requireRosterMove(world.context, move));
    expect(closed).toMatchObject({ code: "window_closed", status: 409 });
    expect(closed.message).toBe("The transfer window is closed until a tournament admin opens it, so joining a team must wait.");

    expect(await changeWindow(world.context, admin, { change: "close" })).toMatchObject({ applied: false });
    expect(await changeWindow(world.context, admin, { change: "open" })).toMatchObject({ applied: true });
    await requireRosterMove(world.context, move);

    expect((await outbox()).map((entry) => entry.action)).toEqual(["window.close", "window.open"]);
    const audit = await readAudit(world.redis, world.keys.audit, 10);
    expect(audit.map((entry) => entry.action)).toEqual(["window.open", "window.close"]);
    expect(audit[0]).toMatchObject({ actorId: admin.id, actorName: admin.name, teamId: null });
  });

  it("writes nothing to the outbox when no transactions channel is configured", async () => {
    world.context.announceChanges = false;
    await changeWindow(world.context, admin, { change: "close" });
    expect(await world.redis.xlen(world.keys.outbox)).toBe(0);
    expect((await readAudit(world.redis, world.keys.audit, 5))[0]?.action).toBe("window.close");
  });

  it("answers anyone but a tournament admin as if the route did not exist, and changes nothing", async () => {
    const before = await world.snapshot();
    for (const attempt of [
      changeWindow(world.context, users.manager, { change: "close" }),
      lockRoster(world.context, users.manager, { reason: "match day" }),
      setSeason(world.context, users.freeagent, { startsAt: now(), changeLimit: 3 }),
    ]) {
      expect(await rejection(attempt)).toMatchObject({ code: "not_found", status: 404 });
    }
    expect(await world.snapshot()).toEqual(before);
  });
});

describe("a scheduled change", () => {
  it("takes effect at its time with no timer, and is announced once however many read it", async () => {
    await changeWindow(world.context, admin, { change: "close" });
    const opensAt = now() + 10 * minute;
    expect(await changeWindow(world.context, admin, { change: "open", at: opensAt })).toMatchObject({ applied: true });
    const waiting = await rejection(requireRosterMove(world.context, move));
    expect(waiting.message).toMatch(/^The transfer window is closed until \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC, so joining a team must wait\.$/);
    expect((await transferStatus(world.context, users.freeagent.id)).window).toMatchObject({ open: false, opensAt });

    offsetMs = 11 * minute;
    const readers = await Promise.all(Array.from({ length: 8 }, () => transferStatus(world.context, users.freeagent.id)));
    for (const status of readers) expect(status.window).toEqual({ open: true, since: opensAt, opensAt: null, closesAt: null });
    await requireRosterMove(world.context, move);

    const announced = await outbox();
    expect(announced.map((entry) => entry.action)).toEqual(["window.close", "window.open"]);
    expect(announced[1]).toMatchObject({ actorId: admin.id, detail: "at the scheduled time" });
    expect((await readAudit(world.redis, world.keys.audit, 10)).filter((entry) => entry.action === "window.open")).toHaveLength(1);
  });

  it("announces, in order, both changes that passed while nobody looked", async () => {
    await changeWindow(world.context, admin, { change: "close", at: now() + minute });
    await changeWindow(world.context, admin, { change: "open", at: now() + 2 * minute });
    offsetMs = 5 * minute;
    expect((await transferStatus(world.context, users.freeagent.id)).window.open).toBe(true);
    expect((await outbox()).map((entry) => entry.action)).toEqual(["window.close", "window.open"]);
  });

  it("does not announce an opening of a window that is open already", async () => {
    await changeWindow(world.context, admin, { change: "open", at: now() + minute });
    offsetMs = 2 * minute;
    await transferStatus(world.context, users.freeagent.id);
    expect(await outbox()).toEqual([]);
  });

  it("keeps a passed change when a new one is scheduled after it", async () => {
    await changeWindow(world.context, admin, { change: "close" });
    await changeWindow(world.context, admin, { change: "open", at: now() + minute });
    offsetMs = 2 * minute;
    const opensAgainAt = now() + 10 * minute;
    await changeWindow(world.context, admin, { change: "open", at: opensAgainAt });
    expect((await transferStatus(world.context, users.freeagent.id)).window).toMatchObject({ open: true, opensAt: opensAgainAt });
  });

  it("is cancelled before its time, and then never happens", async () => {
    await changeWindow(world.context, admin, { change: "close", at: now() + minute });
    expect(await cancelWindowChange(world.context, admin, "close")).toMatchObject({ applied: true });
    expect(await cancelWindowChange(world.context, admin, "close")).toMatchObject({ applied: false });
    offsetMs = 2 * minute;
    expect((await transferStatus(world.context, users.freeagent.id)).window.open).toBe(true);
    expect(await outbox()).toEqual([]);
  });

  it("refuses a time that has passed or is more than a year ahead, naming the field", async () => {
    const before = await world.snapshot();
    for (const at of [now() - 1, now() + 400 * 24 * 60 * minute]) {
      expect(await rejection(changeWindow(world.context, admin, { change: "open", at }))).toMatchObject({ code: "invalid_input", extra: { field: "at" } });
    }
    expect(await world.snapshot()).toEqual(before);
  });
});

describe("roster locks", () => {
  it("lock one team or every roster, until a time or until unlocked, and say so", async () => {
    const teamId = await createTeam();
    const lions = { ...move, teamId };
    const until = now() + 30 * minute;

    expect(await lockRoster(world.context, admin, { teamId, until, reason: "match day" })).toMatchObject({ applied: true, teamId });
    const locked = await rejection(requireRosterMove(world.context, lions));
    expect(locked).toMatchObject({ code: "roster_locked", status: 423 });
    expect(locked.message).toMatch(/^This team's roster is locked until .+ UTC \(match day\), so joining a team must wait\.$/);
    await requireRosterMove(world.context, move);
    expect((await transferStatus(world.context, users.freeagent.id)).myTeam).toMatchObject({ teamId, locked: true });

    offsetMs = 31 * minute;
    await requireRosterMove(world.context, lions);
    expect((await transferStatus(world.context, users.freeagent.id)).locks).toEqual([]);

    await lockRoster(world.context, admin, { reason: "final" });
    expect((await rejection(requireRosterMove(world.context, move))).message).toBe("All rosters are locked until a tournament admin unlocks it (final), so joining a team must wait.");
    expect((await transferStatus(world.context, users.freeagent.id)).locks).toEqual([{ teamId: null, teamName: null, until: null, reason: "final" }]);
    expect(await unlockRoster(world.context, admin, undefined)).toMatchObject({ applied: true });
    expect(await unlockRoster(world.context, admin, undefined)).toMatchObject({ applied: false });
    await requireRosterMove(world.context, move);

    const audit = await readAudit(world.redis, world.keys.audit, 10);
    expect(audit.filter((entry) => entry.action.startsWith("roster.")).map((entry) => [entry.action, entry.teamId])).toEqual([
      ["roster.unlock", null],
      ["roster.lock", null],
      ["roster.lock", teamId],
    ]);
  });

  it("refuses to lock a team that does not exist, changing nothing", async () => {
    const before = await world.snapshot();
    expect(await rejection(lockRoster(world.context, admin, { teamId: "1300000000000000999", reason: "x" }))).toMatchObject({ code: "team_not_found", extra: { field: "teamId" } });
    expect(await rejection(lockRoster(world.context, admin, { until: now() - 5, reason: "x" }))).toMatchObject({ code: "invalid_input", extra: { field: "until" } });
    expect(await world.snapshot()).toEqual(before);
  });
});

describe("the season", () => {
  it("is set with its start and limit, once, and shows the changes a team has left", async () => {
    await createTeam();
    const startsAt = now() - minute;
    expect(await setSeason(world.context, admin, { startsAt, changeLimit: 3 })).toMatchObject({ applied: true });
    expect(await setSeason(world.context, admin, { startsAt, changeLimit: 3 })).toMatchObject({ applied: false });
    const status = await transferStatus(world.context, users.freeagent.id);
    expect(status.season).toEqual({ startsAt, changeLimit: 3, started: true });
    expect(status.myTeam).toMatchObject({ changesMade: 0, changesLeft: 3 });
    expect((await transferStatus(world.context, users.freeagent2.id)).myTeam).toBeNull();

    await setSeason(world.context, admin, { startsAt: now() + minute, changeLimit: null });
    expect((await transferStatus(world.context, users.freeagent.id)).season).toMatchObject({ changeLimit: null, started: false });
    expect((await readAudit(world.redis, world.keys.audit, 5)).filter((entry) => entry.action === "season.set")).toHaveLength(2);
  });
});
