import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { confusableLetters, confusablePairs } from "@/lib/text/confusables";
import { looksAlike, skeleton } from "@/lib/text/skeleton";

describe("skeleton", () => {
  it.each([
    ["a capital I for an l", "Abuja EagIes", "Abuja Eagles"],
    ["a digit 1 for an l", "Abuja Eag1es", "Abuja Eagles"],
    ["a bar for an l", "Abuja Eag|es", "Abuja Eagles"],
    ["a digit 0 for an O", "0yo Stars", "Oyo Stars"],
    ["rn for m", "Kurnasi Kings", "Kumasi Kings"],
    ["vv for w", "Nevv Stars", "New Stars"],
    ["a Cyrillic a", "Abuj\u0430 Eagles", "Abuja Eagles"],
    ["a Cyrillic capital A", "\u0410buja Eagles", "Abuja Eagles"],
    ["a Cyrillic o, e and p", "\u0440\u043e\u0435t", "poet"],
    ["Greek omicron and alpha", "L\u03b1g\u03bfs", "Lagos"],
    ["full-width letters", "\uff2cagos", "Lagos"],
    ["mathematical bold letters", "\u{1d40b}agos", "Lagos"],
    ["an accent", "L\u00e1gos", "Lagos"],
    ["a combining accent", "La\u0301gos", "Lagos"],
    ["a zero-width space", "La\u200bgos", "Lagos"],
    ["a soft hyphen", "La\u00adgos", "Lagos"],
    ["case and spacing", "  LAGOS   lions ", "Lagos Lions"],
    ["a typographic apostrophe", "Rock\u2019s", "Rock's"],
    ["a Cyrillic n beside an r", "Ku\u0433\u043f", "Kum"],
  ])("takes %s for the original", (_, lookAlike, original) => {
    expect(skeleton(lookAlike)).toBe(skeleton(original));
    expect(looksAlike(lookAlike, original)).toBe(true);
  });

  it.each([
    ["Lagos Lions", "Lagos Lion"],
    ["Accra Hearts", "Accra Heart5"],
    ["Team A", "Team B"],
    ["Lagos Lions", "Lagos-Lions"],
  ])("keeps %j and %j apart", (a, b) => {
    expect(looksAlike(a, b)).toBe(false);
  });

  it("maps the examples to plain lower-case Latin", () => {
    expect(skeleton("Abuja EagIes")).toBe("abuja eagles");
    expect(skeleton("Kumasi Kings")).toBe("kumasl klngs");
  });

  it("has a table whose replacements are never replaced again", () => {
    const keys = new Set(Object.keys(confusableLetters));
    for (const value of Object.values(confusableLetters)) for (const character of value) expect(keys.has(character)).toBe(false);
    for (const [, letter] of confusablePairs) {
      for (const [pair] of confusablePairs) expect(pair.includes(letter)).toBe(false);
      expect(skeleton(letter)).toBe(letter);
    }
  });

  it("keys every table entry by a folded, mark-free, NFKC character", () => {
    for (const key of Object.keys(confusableLetters)) {
      expect([...key]).toHaveLength(1);
      expect(key.normalize("NFKC")).toBe(key);
      // Folding keeps a word-final sigma final, so "ς" is reached in words though not alone.
      if (key !== "ς") expect(key.toUpperCase().toLowerCase()).toBe(key);
      expect(key.normalize("NFD")).toBe(key);
    }
  });
});

describe("skeleton properties", () => {
  const anyText = fc.string({ unit: "grapheme", maxLength: 24 });
  const mixed = fc.oneof(anyText, fc.string({ unit: fc.constantFrom(..."Il1|O0rnmvwаеоΑοι \u200b\u0301"), maxLength: 24 }));

  it("is idempotent", () => {
    fc.assert(fc.property(mixed, (text) => skeleton(skeleton(text)) === skeleton(text)), { numRuns: 3_000 });
  });

  it("ignores case", () => {
    fc.assert(
      fc.property(mixed, (text) => skeleton(text.toUpperCase()) === skeleton(text) && skeleton(text.toLowerCase()) === skeleton(text)),
      { numRuns: 3_000 },
    );
  });

  it("is stable under NFKC and NFD", () => {
    fc.assert(
      fc.property(mixed, (text) => skeleton(text.normalize("NFKC")) === skeleton(text) && skeleton(text.normalize("NFD")) === skeleton(text)),
      { numRuns: 3_000 },
    );
  });

  it("holds all three for every single code point", () => {
    const broken: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10_ffff; codePoint += 1) {
      if (codePoint >= 0xd8_00 && codePoint <= 0xdf_ff) continue;
      const text = String.fromCodePoint(codePoint);
      const key = skeleton(text);
      const holds = skeleton(key) === key && skeleton(text.toUpperCase()) === key && skeleton(text.toLowerCase()) === key && skeleton(text.normalize("NFKC")) === key;
      if (!holds) broken.push(codePoint.toString(16));
    }
    expect(broken).toEqual([]);
  }, 120_000);

  it("ignores zero-width characters and combining marks anywhere", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."abcLions "), maxLength: 16 }), fc.nat(16), fc.constantFrom("\u200b", "\u200d", "\ufe0f", "\u0301"), (text, at, extra) => {
        const position = Math.min(at, text.length);
        return skeleton(text.slice(0, position) + extra + text.slice(position)) === skeleton(text);
      }),
    );
  });
});
