import { describe, expect, it } from "vitest";
import { paceAfterSuccessMs, rolePolicy } from "@/lib/roles/policy";

describe("paceAfterSuccessMs", () => {
  it("spreads the remaining budget evenly over the rest of the window", () => {
    // 5 per 60 s: after the first call 4 remain and 60 s are left: one call every 12 s.
    expect(paceAfterSuccessMs(4, 60_000)).toBe(12_000);
    expect(paceAfterSuccessMs(3, 48_000)).toBe(12_000);
    expect(paceAfterSuccessMs(1, 24_000)).toBe(12_000);
  });
  it("waits for the reset plus a margin once the budget is spent, before any 429", () => {
    expect(paceAfterSuccessMs(0, 12_000)).toBe(12_000 + rolePolicy.exhaustedMarginMs);
  });
  it("follows whatever limit the headers show, not a built-in number", () => {
    expect(paceAfterSuccessMs(9, 10_000)).toBe(1_000);
    expect(paceAfterSuccessMs(1, 60_000)).toBe(30_000);
  });
  it("is careful when the headers are missing", () => {
    expect(paceAfterSuccessMs(null, 5_000)).toBe(rolePolicy.unknownPaceMs);
    expect(paceAfterSuccessMs(3, null)).toBe(rolePolicy.unknownPaceMs);
  });
});
