import type { LuaScript } from "./index";
import { dropUserRequestsLua } from "./team-drop-user-requests";

/**
 * Adopts a team that exists only on Discord (a team role made before this
 * app, like the fixture's "Lagos Lions") when one of its holders shows up:
 * creates the record if needed and puts the holder on the roster, as manager
 * if they hold the team manager role and the team has none yet.
 *
 * KEYS[1]  <prefix>team:<id>
 * KEYS[2]  <prefix>team:<id>:members
 * KEYS[3]  <prefix>teams
 * KEYS[4]  <prefix>team-names
 * KEYS[5]  <prefix>user-team
 * KEYS[6]  <prefix>user-requests
 * KEYS[7]  <prefix>disbanded-roles
 * KEYS[8]  <prefix>audit
 * ARGV[1]  team id (the role id)
 * ARGV[2]  name (the role's name)
 * ARGV[3]  normalised name
 * ARGV[4]  tag
 * ARGV[5]  user id
 * ARGV[6]  "1" when the user holds the team manager role
 * ARGV[7]  now, epoch milliseconds
 * ARGV[8]  audit entry, JSON
 * ARGV[9]  audit entries kept (approximate MAXLEN)
 * Also drops the holder's requests to other teams when they join the roster (see team-drop-user-requests.ts).
 * Returns "adopted", "unchanged", "disbanded", "name-taken" or "in-team" (in another team).
 */
export const teamAdoptScript: LuaScript = {
  name: "safaTeamAdopt",
  numberOfKeys: 8,
  lua: `${dropUserRequestsLua}
if redis.call("SISMEMBER", KEYS[7], ARGV[1]) == 1 then return "disbanded" end
local current = redis.call("HGET", KEYS[5], ARGV[5])
if current and current ~= ARGV[1] then return "in-team" end
local changed = false
if redis.call("EXISTS", KEYS[1]) == 0 then
  if redis.call("HEXISTS", KEYS[4], ARGV[3]) == 1 then return "name-taken" end
  redis.call("HSET", KEYS[1], "id", ARGV[1], "name", ARGV[2], "normalizedName", ARGV[3], "tag", ARGV[4],
    "managerId", "", "createdBy", "", "createdAt", ARGV[7], "adopted", "1")
  redis.call("ZADD", KEYS[3], ARGV[7], ARGV[1])
  redis.call("HSET", KEYS[4], ARGV[3], ARGV[1])
  changed = true
end
if not current then
  redis.call("ZADD", KEYS[2], ARGV[7], ARGV[5])
  redis.call("HSET", KEYS[5], ARGV[5], ARGV[1])
  drop_user_requests(KEYS[1], ARGV[1], KEYS[6], ARGV[5])
  changed = true
end
if ARGV[6] == "1" and (redis.call("HGET", KEYS[1], "managerId") or "") == "" then
  redis.call("HSET", KEYS[1], "managerId", ARGV[5])
  changed = true
end
if not changed then return "unchanged" end
redis.call("XADD", KEYS[8], "MAXLEN", "~", ARGV[9], "*", "entry", ARGV[8])
return "adopted"
`,
};
