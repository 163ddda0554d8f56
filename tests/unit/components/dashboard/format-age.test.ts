import { describe, expect, it } from "vitest";
import { formatAge, formatCountdown, formatExactTime } from "@/components/dashboard/format-age";

describe("formatAge", () => {
  it.each([
    [0, "just now"],
    [4_999, "just now"],
    [-3_000, "just now"],
    [5_000, "5 s ago"],
    [40_400, "40 s ago"],
    [90_000, "90 s ago"],
    [90_001, "1 min ago"],
    [150_000, "2 min ago"],
    [90 * 60_000, "90 min ago"],
    [90 * 60_000 + 1, "1 h ago"],
    [5 * 3_600_000, "5 h ago"],
  ])("%i ms reads %j", (ageMs, text) => {
    expect(formatAge(ageMs)).toBe(text);
  });
});

describe("formatCountdown", () => {
  it("rounds up so the last second reads 1 s", () => {
    expect(formatCountdown(4_200)).toBe("5 s");
    expect(formatCountdown(300)).toBe("1 s");
    expect(formatCountdown(-2_000)).toBe("1 s");
  });

  it("switches to minutes past 90 s", () => {
    expect(formatCountdown(30_000)).toBe("30 s");
    expect(formatCountdown(120_000)).toBe("2 min");
  });
});

describe("formatExactTime", () => {
  it("writes the date and time in the given zone", () => {
    expect(formatExactTime("2026-11-22T22:59:25.000Z", { locale: "en-GB", timeZone: "UTC" })).toBe("22 Nov 2026, 22:59:25");
  });
});
