import { confusableLetters, confusablePairs } from "./confusables";

/**
 * Marks (accents, combining strokes) and default-ignorable code points
 * (zero-width joiners, variation selectors, soft hyphens): invisible or
 * nearly so, they would let two names that render alike compare unequal.
 */
const invisible = /[\p{M}\p{Default_Ignorable_Code_Point}]/gu;

/** Any character of the look-alike table, one code point at a time. */
const confusableLetter = new RegExp(`[${Object.keys(confusableLetters).map(escapeForClass).join("")}]`, "gu");

function escapeForClass(character: string): string {
  return /[\\\]^-]/.test(character) ? `\\${character}` : character;
}

/**
 * The confusable skeleton of a text, after UTS #39: two texts a reader would
 * take for one another ("Abuja EagIes", "Abuja Eag1es", "Аbuja Eagles" with a
 * Cyrillic А) get the same skeleton, so uniqueness is checked on skeletons.
 * Unlike UTS #39's it ignores case and runs of spaces, since names here are
 * unique regardless of both. Steps: NFKC (full-width, ligatures,
 * mathematical letters), case folding, marks and invisible characters
 * removed, look-alike letters mapped (lib/text/confusables.ts), spaces
 * collapsed. Not for display: the result is a hodgepodge by design.
 */
export function skeleton(text: string): string {
  // Lower, upper, lower: full case folding as far as JavaScript has it ("ẞ", "ß" and "SS" all become "ss").
  const folded = text.normalize("NFKC").toLowerCase().toUpperCase().toLowerCase();
  const bare = folded.normalize("NFD").replace(invisible, "");
  let mapped = bare.replace(confusableLetter, (character) => confusableLetters[character] ?? character);
  for (const [pair, letter] of confusablePairs) mapped = mapped.replaceAll(pair, letter);
  return mapped.normalize("NFKC").replace(/\s+/gu, " ").trim();
}

/** Whether two texts would be taken for one another. */
export function looksAlike(a: string, b: string): boolean {
  return skeleton(a) === skeleton(b);
}
