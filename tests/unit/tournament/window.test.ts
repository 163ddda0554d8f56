import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUtc } from "@/lib/tournament/format";
import { lockInForce, seasonHashSchema } from "@/lib/tournament/records";
import { transitionsOf, untouchedWindow, windowAt, windowHashSchema, type WindowRecord } from "@/lib/tournament/window";

const admin = { byId: "1200000000000000006", byName: "Admin" };

describe("the window at a moment", () => {
  it("is open while no admin has touched it", () => {
    expect(windowAt(untouchedWindow, 5)).toEqual({ open: true, since: null, opensAt: null, closesAt: null });
  });

  it("follows the latest change whose time has come, and names the ones ahead", () => {
    const record: WindowRecord = { base: { open: false, at: 100 }, scheduledOpen: { at: 200, ...admin }, scheduledClose: { at: 300, ...admin } };
    expect(windowAt(record, 150)).toEqual({ open: false, since: 100, opensAt: 200, closesAt: 300 });
    expect(windowAt(record, 200)).toEqual({ open: true, since: 200, opensAt: null, closesAt: 300 });
    expect(windowAt(record, 299)).toMatchObject({ open: true, closesAt: 300 });
    expect(windowAt(record, 301)).toEqual({ open: false, since: 300, opensAt: null, closesAt: null });
  });

  it("agrees with the latest past change for any record and moment", () => {
    const change = fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: null });
    fc.assert(
      fc.property(change, fc.boolean(), change, change, fc.integer({ min: 0, max: 1_000 }), (baseAt, baseOpen, openAt, closeAt, now) => {
        const record: WindowRecord = {
          base: baseAt === null ? null : { open: baseOpen, at: baseAt },
          scheduledOpen: openAt === null ? null : { at: openAt, ...admin },
          scheduledClose: closeAt === null ? null : { at: closeAt, ...admin },
        };
        const past = transitionsOf(record).filter((transition) => transition.at <= now);
        const state = windowAt(record, now);
        expect(state.open).toBe(past.at(-1)?.open ?? true);
        expect(state.opensAt === null || state.opensAt > now).toBe(true);
        expect(state.closesAt === null || state.closesAt > now).toBe(true);
      }),
    );
  });
});

describe("the stored records", () => {
  it("parse the window's hash, and refuse a state or a time that is not one", () => {
    expect(windowHashSchema.parse({})).toEqual(untouchedWindow);
    expect(windowHashSchema.parse({ state: "closed", at: "100", openAt: "200", openById: admin.byId, openByName: admin.byName })).toEqual({
      base: { open: false, at: 100 },
      scheduledOpen: { at: 200, ...admin },
      scheduledClose: null,
    });
    expect(windowHashSchema.safeParse({ state: "ajar", at: "100" }).success).toBe(false);
    expect(windowHashSchema.safeParse({ state: "open", at: "soon" }).success).toBe(false);
  });

  it("parse the season, and hold a lock until its end", () => {
    expect(seasonHashSchema.parse({ startsAt: "1000", changeLimit: "5" })).toEqual({ startsAt: 1_000, changeLimit: 5 });
    expect(seasonHashSchema.parse({ startsAt: "1000" })).toEqual({ startsAt: 1_000, changeLimit: null });
    expect(seasonHashSchema.safeParse({ startsAt: "1000", changeLimit: "0" }).success).toBe(false);
    const lock = { until: 500, reason: "match day", byId: admin.byId, byName: admin.byName, at: 100 };
    expect(lockInForce(lock, 499)).toBe(true);
    expect(lockInForce(lock, 500)).toBe(false);
    expect(lockInForce({ ...lock, until: null }, 10 ** 13)).toBe(true);
  });
});

describe("times in sentences", () => {
  it("are written in UTC, the same for everyone on the server", () => {
    expect(formatUtc(Date.UTC(2026, 10, 28, 18, 5))).toBe("28 Nov 2026, 18:05 UTC");
    expect(formatUtc(Date.UTC(2027, 0, 1, 0, 0))).toBe("1 Jan 2027, 00:00 UTC");
  });
});
