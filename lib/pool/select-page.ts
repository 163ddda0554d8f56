import type { PoolQuery } from "./answer";
import { poolPageSizeDefault } from "./answer";
import type { PoolEntry } from "./entry";

export type PoolRow = PoolEntry & { userId: string };

/** What the filters and the search keep. The search matches a part of the gamer tag or the name, in any case. */
export function matches(row: PoolRow, query: PoolQuery): boolean {
  if (query.platform !== undefined && row.platform !== query.platform) return false;
  if (query.position !== undefined && row.position !== query.position) return false;
  if (query.country !== undefined && row.country !== query.country) return false;
  if (query.q === undefined || query.q === "") return true;
  const needle = query.q.toLowerCase();
  return row.gamerTag.toLowerCase().includes(needle) || row.name.toLowerCase().includes(needle);
}

/** By gamer tag (case aside), then by id, so pages are stable while nobody changes the pool. */
function byGamerTag(a: PoolRow, b: PoolRow): number {
  const left = a.gamerTag.toLowerCase();
  const right = b.gamerTag.toLowerCase();
  if (left !== right) return left < right ? -1 : 1;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/** One page of the rows the query keeps, sorted by gamer tag, and how many it keeps in all. */
export function selectPage(rows: readonly PoolRow[], query: PoolQuery): { rows: PoolRow[]; total: number; page: number; pageSize: number } {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? poolPageSizeDefault;
  const kept = rows.filter((row) => matches(row, query)).sort(byGamerTag);
  const start = (page - 1) * pageSize;
  return { rows: kept.slice(start, start + pageSize), total: kept.length, page, pageSize };
}
