/**
 * Look-alike characters and the Latin letter each is taken for, as data for
 * `skeleton()` (lib/text/skeleton.ts). Keys are what is left after NFKC,
 * case folding and the removal of marks, so they are lower case and carry no
 * accents: "Ё" reaches this table as "е", "ß" as "ss" (so neither is a key;
 * "ς" is, since folding keeps a word-final sigma). Values never occur as keys, so one
 * pass of the table is enough and a skeleton maps to itself.
 *
 * Chosen after the prototypes of Unicode's confusables.txt (UTS #39), cut to
 * what can pass for Latin letters and digits in a team name, a tag or a gamer
 * tag; case folding comes first, so a Greek letter whose capital and small
 * forms resemble different Latin letters (Η/η, Μ/μ, Ν/ν, Υ/υ) maps to what
 * its small form resembles.
 */
export const confusableLetters: Readonly<Record<string, string>> = {
  // Digits and symbols read as letters.
  "0": "o",
  "1": "l",
  "|": "l",
  "ǀ": "l",
  "∣": "l",
  // Latin letters read as others: i, I, l and 1 are one glyph in many fonts.
  i: "l",
  ɩ: "l",
  ɪ: "l",
  ɑ: "a",
  ɡ: "g",
  ʏ: "y",
  ᴏ: "o",
  ᴠ: "v",
  ᴡ: "w",
  ʀ: "r",
  // Cyrillic.
  а: "a",
  в: "b",
  г: "r",
  е: "e",
  ѕ: "s",
  і: "l",
  ј: "j",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  п: "n",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ь: "b",
  һ: "h",
  ӏ: "l",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ү: "y",
  // Greek.
  α: "a",
  β: "b",
  γ: "y",
  ε: "e",
  ζ: "z",
  η: "n",
  ι: "l",
  κ: "k",
  μ: "u",
  ν: "v",
  ο: "o",
  ρ: "p",
  σ: "o",
  ς: "c",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  // Punctuation that passes for the ASCII marks names may use.
  "‘": "'",
  "’": "'",
  "ʼ": "'",
  "`": "'",
  "‐": "-",
  "‒": "-",
  "–": "-",
  "—": "-",
  "−": "-",
};

/**
 * Letter pairs that render as one letter, applied after `confusableLetters`
 * (so a Cyrillic "п" beside an "r" is caught too). No replacement creates a
 * new pair: "m" and "w" start and end no pair.
 */
export const confusablePairs: readonly (readonly [string, string])[] = [
  ["rn", "m"],
  ["vv", "w"],
];
