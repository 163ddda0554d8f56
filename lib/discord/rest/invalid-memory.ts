/** One invalid request (401, 403 or 429) as this process wrote it to the shared log: its member there, and when. */
export type RememberedInvalid = { member: string; atMs: number };

/**
 * The invalid requests this process itself counted in Discord's window.
 * The shared count lives in Redis, and a failover may roll it back to an
 * older copy; with these the process puts back at least its own share
 * (see rest-restore-egress), so a switch of primaries never lowers the
 * count toward Discord's ban below what this process alone saw.
 */
export type InvalidMemory = {
  record(member: string, atMs: number): void;
  /** The entries still in the window at `nowMs`, oldest first, with their age. */
  recent(nowMs: number): { member: string; ageMs: number }[];
};

/**
 * `entriesMax` bounds memory: past Discord's limit the count refuses every
 * request anyway, so older entries add nothing.
 */
export function createInvalidMemory(windowMs: number, entriesMax: number): InvalidMemory {
  const entries: RememberedInvalid[] = [];
  const prune = (nowMs: number) => {
    let stale = 0;
    while (stale < entries.length && (entries[stale]?.atMs ?? 0) <= nowMs - windowMs) stale += 1;
    const overflow = Math.max(0, entries.length - stale - entriesMax);
    if (stale + overflow > 0) entries.splice(0, stale + overflow);
  };
  return {
    record(member, atMs) {
      entries.push({ member, atMs });
      prune(atMs);
    },
    recent(nowMs) {
      prune(nowMs);
      return entries.map((entry) => ({ member: entry.member, ageMs: Math.max(0, nowMs - entry.atMs) }));
    },
  };
}
