import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTeamSchema, normaliseTeamName, teamNameSchema } from "@/lib/teams/input";

describe("team names", () => {
  it.each(["Lagos Lions", "Rock & Roll's F.C.", "FC 1990", "A-Team", "abc"])("accepts %j", (name) => {
    expect(teamNameSchema.safeParse(name).success).toBe(true);
  });

  it.each([
    ["ab", /at least 3/],
    ["x".repeat(33), /at most 32/],
    ["<script>", /may only use/],
    ["L\u0430gos", /may only use/],
    ["Lagos\u200dLions", /control characters/],
    ["Lagos\nLions", /control characters/],
    ["Lagos  Lions", /single spaces/],
    [" - ", /at least 3|may only use/],
    ["123", /at least one letter/],
  ])("refuses %j with a message", (name, message) => {
    const result = teamNameSchema.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  it("trims the edges before checking", () => {
    expect(teamNameSchema.parse("  Lagos Lions  ")).toBe("Lagos Lions");
  });

  it("accepts only printable ASCII, so no two accepted names can look alike yet differ", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        const result = teamNameSchema.safeParse(name);
        if (result.success) expect(result.data).toMatch(/^[\x20-\x7e]+$/);
      }),
    );
  });

  it("normalises case and spacing for uniqueness", () => {
    expect(normaliseTeamName("  LAGOS   lions ")).toBe("lagos lions");
  });
});

describe("team tags", () => {
  it("upper-cases letters and refuses anything else", () => {
    expect(createTeamSchema.parse({ name: "Lagos Lions", tag: "ll" }).tag).toBe("LL");
    for (const tag of ["L", "LLLLLL", "L1", "<b>", "Л"]) expect(createTeamSchema.safeParse({ name: "Lagos Lions", tag }).success).toBe(false);
  });
});
