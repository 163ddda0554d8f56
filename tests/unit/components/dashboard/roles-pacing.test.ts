import { describe, expect, it } from "vitest";
import { freshForMs, rolesMayRefetch, rolesRecheckIntervalMs, rolesStaleTimeMs, staleAnswerRecheckMinMs } from "@/components/dashboard/roles-pacing";
import type { RolesQueryState } from "@/components/dashboard/roles-pacing";
import { HttpError } from "@/components/http-error";
import type { RolesAnswer } from "@/lib/roles/answer";

const t0 = Date.parse("2026-11-22T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

function answer(overrides: Partial<RolesAnswer> = {}): RolesAnswer {
  return {
    view: "player",
    isAdmin: false,
    member: true,
    roles: ["1"],
    nick: null,
    fetchedAt: iso(t0),
    how: "discord",
    stale: false,
    nextRefreshAt: iso(t0 + 12_000),
    discordBusy: false,
    ...overrides,
  };
}

function state(overrides: Partial<RolesQueryState> = {}): RolesQueryState {
  return { data: answer(), dataUpdatedAt: t0 + 2_000, error: null, errorUpdatedAt: 0, ...overrides };
}

describe("freshForMs", () => {
  it("is the time from receipt until the server's next refresh", () => {
    expect(freshForMs(answer(), t0 + 2_000)).toBe(10_000);
  });

  it("is 0 once the next refresh has passed", () => {
    expect(freshForMs(answer(), t0 + 12_000)).toBe(0);
    expect(freshForMs(answer(), t0 + 60_000)).toBe(0);
  });

  it("never exceeds the server's own window when the browser clock runs behind", () => {
    // Browser clock five minutes behind the server's.
    expect(freshForMs(answer(), t0 - 300_000)).toBe(12_000);
  });

  it("counts from receipt for an old cached copy", () => {
    const cached = answer({ fetchedAt: iso(t0 - 3_600_000), nextRefreshAt: iso(t0 + 5_000), stale: true });
    expect(freshForMs(cached, t0)).toBe(5_000);
  });
});

describe("rolesStaleTimeMs", () => {
  it("keeps the data fresh until the server's next refresh, so a focus before then stays local", () => {
    expect(rolesStaleTimeMs(state())).toBe(10_000);
  });

  it("is 0 without data", () => {
    expect(rolesStaleTimeMs(state({ data: undefined }))).toBe(0);
  });

});

describe("rolesMayRefetch", () => {
  const busy = new HttpError("Too many requests.", 429, { retryAfterSeconds: 30 });

  it("allows a refetch without a server-requested wait", () => {
    expect(rolesMayRefetch(state(), t0)).toBe(true);
    expect(rolesMayRefetch(state({ error: new HttpError("boom", 500), errorUpdatedAt: t0 }), t0 + 1)).toBe(true);
    expect(rolesMayRefetch(state({ error: new TypeError("Failed to fetch"), errorUpdatedAt: t0 }), t0 + 1)).toBe(true);
  });

  it("holds back until the wait is over", () => {
    const waiting = state({ error: busy, errorUpdatedAt: t0 });
    expect(rolesMayRefetch(waiting, t0 + 29_999)).toBe(false);
    expect(rolesMayRefetch(waiting, t0 + 30_000)).toBe(true);
  });
});

describe("rolesRecheckIntervalMs", () => {
  it("does not poll a fresh answer", () => {
    expect(rolesRecheckIntervalMs(state())).toBe(false);
  });

  it("checks back on a saved copy when the server plans to ask Discord again", () => {
    const saved = answer({ stale: true, discordBusy: true, nextRefreshAt: iso(t0 + 32_000) });
    expect(rolesRecheckIntervalMs(state({ data: saved }))).toBe(30_000);
  });

  it("never polls a saved copy faster than the floor", () => {
    const saved = answer({ stale: true, nextRefreshAt: iso(t0) });
    expect(rolesRecheckIntervalMs(state({ data: saved }))).toBe(staleAnswerRecheckMinMs);
  });

  it("leaves a server-requested wait to the dashboard's own timer", () => {
    const saved = answer({ discordBusy: true });
    const busy = new HttpError("Discord is busy.", 503, { retryAfterSeconds: 10 });
    expect(rolesRecheckIntervalMs(state({ data: saved, error: busy, errorUpdatedAt: t0 }))).toBe(false);
  });
});
