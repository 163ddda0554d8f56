import { luaScript } from "../lua-script";

/**
 * Locks one team's roster, or all rosters, or lifts such a lock, with its
 * audit entry in the same step. Locking again replaces the lock (a new end,
 * a new reason).
 *
 * KEYS[1]  <prefix>roster-locks   (hash: team id or "all" -> lock JSON)
 * KEYS[2]  <prefix>audit          (stream)
 * ARGV[1]  the lock's field: a team id, or "all"
 * ARGV[2]  the lock, JSON; "" lifts the lock
 * ARGV[3]  audit entry, JSON
 * ARGV[4]  audit entries kept (approximate MAXLEN)
 * Returns "ok" or "unchanged" (no such lock to lift).
 */
export const tournamentRosterLockScript = luaScript({
  name: "safaTournamentRosterLock",
  keys: ["locksKey", "auditKey"],
  args: ["field", "lock", "entry", "auditEntriesMax"],
  body: `
if lock == "" then
  if redis.call("HDEL", locksKey, field) == 0 then return "unchanged" end
else
  redis.call("HSET", locksKey, field, lock)
end
redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", entry)
return "ok"
`,
});
