import type { PoolQuery } from "./answer";
import { poolPageSizeDefault } from "./answer";
import type { PoolEntry } from "./entry";

/** What the filters and the search keep. The search matches a part of the gamer tag or the name, in any case. */
export function matches(entry: PoolEntry, query: PoolQuery): boolean {
  if (query.platform !== undefined && entry.platform !== query.platform) return false;
  if (query.position !== undefined && entry.position !== query.position) return false;
  if (query.country !== undefined && entry.country !== query.country) return false;
  if (query.q === undefined || query.q === "") return true;
  const needle = query.q.toLowerCase();
  return entry.gamerTag.toLowerCase().includes(needle) || entry.name.toLowerCase().includes(needle);
}

/** By gamer tag (case aside), then by id, so pages are stable while nobody changes the pool. */
function compareKeys(a: { key: string; entry: PoolEntry }, b: { key: string; entry: PoolEntry }): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.entry.userId < b.entry.userId ? -1 : a.entry.userId > b.entry.userId ? 1 : 0;
}

/** One page of the entries the query keeps, sorted by gamer tag, and how many it keeps in all. */
export function selectPage(entries: readonly PoolEntry[], query: PoolQuery): { entries: PoolEntry[]; total: number; page: number; pageSize: number } {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? poolPageSizeDefault;
  // Each sort key is lower-cased once, not at every comparison.
  const kept = entries.filter((entry) => matches(entry, query)).map((entry) => ({ key: entry.gamerTag.toLowerCase(), entry }));
  kept.sort(compareKeys);
  const start = (page - 1) * pageSize;
  return { entries: kept.slice(start, start + pageSize).map((keyed) => keyed.entry), total: kept.length, page, pageSize };
}
