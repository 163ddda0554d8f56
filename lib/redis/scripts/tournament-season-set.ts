import { luaScript } from "../lua-script";

/**
 * Sets the season: when it starts and how many roster changes each team may
 * make in it, with the audit entry in the same step. Roster changes are
 * counted per season start (`seasonChanges`), so a new start begins every
 * team's count at zero while a new limit for the same start keeps the count.
 *
 * KEYS[1]  <prefix>season   (hash: startsAt, changeLimit, byId)
 * KEYS[2]  <prefix>audit    (stream)
 * ARGV[1]  the season's start, epoch milliseconds
 * ARGV[2]  roster changes allowed per team, "" for no limit
 * ARGV[3]  the admin's user id
 * ARGV[4]  audit entry, JSON
 * ARGV[5]  audit entries kept (approximate MAXLEN)
 * Returns "ok" or "unchanged".
 */
export const tournamentSeasonSetScript = luaScript({
  name: "safaTournamentSeasonSet",
  keys: ["seasonKey", "auditKey"],
  args: ["startsAt", "changeLimit", "byId", "entry", "auditEntriesMax"],
  body: `
local current = redis.call("HMGET", seasonKey, "startsAt", "changeLimit")
if current[1] == startsAt and (current[2] or "") == changeLimit then return "unchanged" end
redis.call("HSET", seasonKey, "startsAt", startsAt, "byId", byId)
if changeLimit == "" then redis.call("HDEL", seasonKey, "changeLimit") else redis.call("HSET", seasonKey, "changeLimit", changeLimit) end
redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", entry)
return "ok"
`,
});
