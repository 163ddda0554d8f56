import { describe, expect, it } from "vitest";
import { paceAfterSuccessMs, rolePolicy } from "@/lib/roles/policy";

describe("paceAfterSuccessMs", () => {
  it("spreads the remaining budget evenly over the rest of the window and the margin", () => {
    // 5 per 60 s with a 1 s margin: one call every 12.2 s, at every step of the window.
    expect(paceAfterSuccessMs(4, 60_000)).toBe(12_200);
    expect(paceAfterSuccessMs(3, 47_800)).toBe(12_200);
    expect(paceAfterSuccessMs(1, 23_400)).toBe(12_200);
  });
  it("waits for the reset plus the margin once the budget is spent, before any 429", () => {
    expect(paceAfterSuccessMs(0, 11_200)).toBe(11_200 + rolePolicy.exhaustedMarginMs);
  });
  it("follows whatever limit the headers show, not a built-in number", () => {
    expect(paceAfterSuccessMs(9, 10_000)).toBe(1_100);
    expect(paceAfterSuccessMs(1, 60_000)).toBe(30_500);
  });
  it("is careful when the headers are missing", () => {
    expect(paceAfterSuccessMs(undefined, 5_000)).toBe(rolePolicy.unknownPaceMs);
    expect(paceAfterSuccessMs(3, undefined)).toBe(rolePolicy.unknownPaceMs);
  });
});
