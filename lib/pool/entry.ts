import type { Platform, Position } from "@/lib/profile/schema";
import { countryCodes, type CountryCode } from "@/lib/profile/countries";
import { platforms, positions } from "@/lib/profile/schema";

/**
 * One free agent's line in the pool, stored as a compact delimited string
 * (not JSON) that names its own user: a page read loads every entry with
 * HVALS and filters in memory, and splitting thousands of short strings
 * costs far less than parsing as many JSON objects (bench/pool has the
 * numbers). Fields are separated by U+001F, which no field can hold (ids are
 * digits, gamer tags ASCII letters and digits, the other fields codes, and
 * control characters are stripped from names).
 */
export type PoolEntry = {
  userId: string;
  gamerTag: string;
  platform: Platform;
  position: Position;
  country: CountryCode;
  name: string;
  /** Epoch milliseconds. */
  since: number;
};

const separator = "\u001f";
const controlCharacters = /[\p{Cc}\p{Cf}]/gu;
const nameLengthMax = 100;

export function encodePoolEntry(entry: PoolEntry): string {
  const name = entry.name.replace(controlCharacters, "").slice(0, nameLengthMax);
  return [entry.userId, entry.gamerTag, entry.platform, entry.position, entry.country, name, String(entry.since)].join(separator);
}

const platformSet = new Set<string>(platforms);
const positionSet = new Set<string>(positions);
const countrySet = new Set<string>(countryCodes);

/** A stored entry, checked field by field (Redis is a boundary too); null when it does not read as one. */
export function decodePoolEntry(raw: string): PoolEntry | null {
  const fields = raw.split(separator);
  if (fields.length !== 7) return null;
  const [userId = "", gamerTag = "", platform = "", position = "", country = "", name = "", since = ""] = fields;
  const at = Number(since);
  if (userId === "" || gamerTag === "" || !platformSet.has(platform) || !positionSet.has(position) || !countrySet.has(country) || !Number.isFinite(at)) return null;
  return { userId, gamerTag, platform: platform as Platform, position: position as Position, country: country as CountryCode, name, since: at };
}
