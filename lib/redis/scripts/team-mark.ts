import { luaScript } from "../lua-script";

/**
 * Records that a tournament admin (or the demo's seed) judged a role made on
 * Discord to be a team's. The team itself is recorded when a holder of the
 * role next opens their page (team-adopt.ts), which judges the role again.
 * Marking a role twice, or a role that is a team already, changes nothing.
 *
 * KEYS[1]  <prefix>team:<id>
 * KEYS[2]  <prefix>team-names
 * KEYS[3]  <prefix>disbanded-roles
 * KEYS[4]  <prefix>marked-team-roles   (hash: role id -> who marked it)
 * KEYS[5]  <prefix>audit
 * ARGV[1]  role id
 * ARGV[2]  normalised name of the role
 * ARGV[3]  who marked it (user id)
 * ARGV[4]  audit entry, JSON
 * ARGV[5]  audit entries kept (approximate MAXLEN)
 * Returns "marked", "unchanged", "disbanded" or "name-taken" (another team has the role's name).
 */
export const teamMarkScript = luaScript({
  name: "safaTeamMark",
  keys: ["teamKey", "namesKey", "disbandedKey", "markedKey", "auditKey"],
  args: ["roleId", "normalised", "markedBy", "entry", "auditMax"],
  body: `
if redis.call("SISMEMBER", disbandedKey, roleId) == 1 then return "disbanded" end
if redis.call("EXISTS", teamKey) == 1 or redis.call("HEXISTS", markedKey, roleId) == 1 then return "unchanged" end
local holder = redis.call("HGET", namesKey, normalised)
if holder and holder ~= roleId then return "name-taken" end
redis.call("HSET", markedKey, roleId, markedBy)
redis.call("XADD", auditKey, "MAXLEN", "~", auditMax, "*", "entry", entry)
return "marked"
`,
});
