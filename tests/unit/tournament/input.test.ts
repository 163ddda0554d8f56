import { describe, expect, it } from "vitest";
import { overrideSchema, rosterLockSchema, seasonSchema, windowChangeSchema } from "@/lib/tournament/input";

describe("transfer inputs", () => {
  it("take a window change now or at a time, and nothing else", () => {
    expect(windowChangeSchema.parse({ change: "open" })).toEqual({ change: "open" });
    expect(windowChangeSchema.parse({ change: "close", at: 1_800_000_000_000 })).toEqual({ change: "close", at: 1_800_000_000_000 });
    for (const bad of [{ change: "toggle" }, { change: "open", at: "1800000000000" }, { change: "open", at: -5 }, { change: "open", at: 1.5 }, { change: "open", extra: 1 }]) {
      expect(windowChangeSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("trim a reason and refuse a blank one, a long one, or one with control characters", () => {
    expect(overrideSchema.parse({ reason: "  injury replacement " })).toEqual({ reason: "injury replacement" });
    for (const reason of ["", "   ", "x".repeat(201), "a\u0000b", "\u202eabc", 42]) expect(overrideSchema.safeParse({ reason }).success).toBe(false);
    expect(rosterLockSchema.safeParse({ teamId: "12", reason: "match day" }).success).toBe(false);
    expect(rosterLockSchema.parse({ reason: "match day", until: null })).toEqual({ reason: "match day", until: null });
  });

  it("take a season's limit as a whole number from 1, or null for none", () => {
    expect(seasonSchema.parse({ startsAt: 1_800_000_000_000, changeLimit: null }).changeLimit).toBeNull();
    for (const changeLimit of [0, -1, 2.5, "3", 1_001]) expect(seasonSchema.safeParse({ startsAt: 1_800_000_000_000, changeLimit }).success).toBe(false);
  });
});
