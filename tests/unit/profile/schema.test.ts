import { describe, expect, it } from "vitest";
import { countryCodes, countryNames } from "@/lib/profile/countries";
import { profileFieldErrors, profileSchema } from "@/lib/profile/schema";
import type { ProfileField, ProfileInput } from "@/lib/profile/schema";

const good: ProfileInput = { gamerTag: "Safa_King-10.x", platform: "playstation", eaFcId: "Safa King 10", country: "ZA", position: "MID" };

function errorsFor(input: Record<string, unknown>) {
  const result = profileSchema.safeParse(input);
  return result.success ? {} : profileFieldErrors(result.error);
}

function errorFor(field: ProfileField, value: unknown): string | undefined {
  return errorsFor({ ...good, [field]: value })[field];
}

describe("profileSchema", () => {
  it("accepts a good profile", () => {
    expect(profileSchema.parse(good)).toEqual(good);
  });

  it("trims surrounding spaces", () => {
    const parsed = profileSchema.parse({ ...good, gamerTag: "  Safa_King  ", eaFcId: " Safa King 10 " });
    expect(parsed.gamerTag).toBe("Safa_King");
    expect(parsed.eaFcId).toBe("Safa King 10");
  });

  it("drops unknown keys", () => {
    expect(profileSchema.parse({ ...good, isAdmin: true })).not.toHaveProperty("isAdmin");
  });

  it("names every missing field", () => {
    expect(Object.keys(errorsFor({})).sort()).toEqual(["country", "eaFcId", "gamerTag", "platform", "position"]);
    expect(errorsFor({}).gamerTag).toBe("Enter your gamer tag.");
  });

  describe("gamer tag", () => {
    it.each(["abc", "a".repeat(24), "A.b-c_9"])("accepts %j", (gamerTag) => {
      expect(errorFor("gamerTag", gamerTag)).toBeUndefined();
    });

    it("asks for a value when blank", () => {
      expect(errorFor("gamerTag", "   ")).toBe("Enter your gamer tag.");
    });

    it("rejects too short and too long", () => {
      expect(errorFor("gamerTag", "ab")).toBe("Gamer tag must be at least 3 characters.");
      expect(errorFor("gamerTag", "a".repeat(25))).toBe("Gamer tag must be at most 24 characters.");
      expect(errorFor("gamerTag", "a".repeat(10_000))).toBe("Gamer tag must be at most 24 characters.");
    });

    it.each(["<script>alert(1)</script>", "safa king", "safa@king", "robert'); DROP TABLE--", "safa/../king"])("rejects %j", (gamerTag) => {
      expect(errorFor("gamerTag", gamerTag)).toMatch(/may only use|at most/);
    });

    it.each([
      ["Cyrillic S", "\u0405afa"],
      ["Greek omicron", "Kr\u03bfnos"],
      ["fullwidth letters", "\uff53\uff41\uff46\uff41"],
      ["accented letter", "Jos\u00e9"],
    ])("rejects a look-alike: %s", (_name, gamerTag) => {
      expect(errorFor("gamerTag", gamerTag)).toBe("Gamer tag may only use letters, digits, underscores, hyphens and dots.");
    });

    it.each([
      ["NUL", "safa\u0000king"],
      ["newline", "safa\nking"],
      ["trailing tab", "safaking\t"],
      ["zero-width space", "safa\u200bking"],
      ["right-to-left override", "\u202esafaking"],
    ])("rejects a control character: %s", (_name, gamerTag) => {
      expect(errorFor("gamerTag", gamerTag)).toBe("Gamer tag must not contain control characters.");
    });

    it("rejects a non-string", () => {
      expect(errorFor("gamerTag", 12345)).toBe("Enter your gamer tag.");
    });
  });

  describe("EA FC ID", () => {
    it.each(["abc", "EA Player 7", "x".repeat(32)])("accepts %j", (eaFcId) => {
      expect(errorFor("eaFcId", eaFcId)).toBeUndefined();
    });

    it("rejects too short and too long", () => {
      expect(errorFor("eaFcId", " a ")).toBe("EA FC ID must be at least 3 characters.");
      expect(errorFor("eaFcId", "x".repeat(33))).toBe("EA FC ID must be at most 32 characters.");
    });

    it.each(["<img src=x onerror=alert(1)>", "ea#fc", "\u0415A FC"])("rejects %j", (eaFcId) => {
      expect(errorFor("eaFcId", eaFcId)).toMatch(/^EA FC ID may only use/);
    });

    it("rejects control characters", () => {
      expect(errorFor("eaFcId", "EA\u0007FC")).toBe("EA FC ID must not contain control characters.");
    });
  });

  describe("choices", () => {
    it("accepts every listed platform, position and country", () => {
      for (const platform of ["playstation", "xbox", "pc"]) expect(errorFor("platform", platform)).toBeUndefined();
      for (const position of ["GK", "DEF", "MID", "FWD"]) expect(errorFor("position", position)).toBeUndefined();
      for (const country of countryCodes) expect(errorFor("country", country)).toBeUndefined();
    });

    it.each([
      ["platform", "switch", "Choose your platform."],
      ["platform", "PlayStation", "Choose your platform."],
      ["position", "ST", "Choose your preferred position."],
      ["country", "XX", "Choose your country."],
      ["country", "za", "Choose your country."],
      ["country", "<script>", "Choose your country."],
      ["country", "", "Choose your country."],
    ] as const)("rejects %s %j", (field, value, message) => {
      expect(errorFor(field, value)).toBe(message);
    });
  });
});

describe("countries", () => {
  it("lists the 249 ISO 3166-1 alpha-2 codes, each with a name", () => {
    expect(countryCodes).toHaveLength(249);
    expect(new Set(countryCodes).size).toBe(249);
    for (const code of countryCodes) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(countryNames[code].length).toBeGreaterThan(0);
    }
  });

  it("is sorted by name for the select", () => {
    const names = countryCodes.map((code) => countryNames[code]);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en")));
  });
});
