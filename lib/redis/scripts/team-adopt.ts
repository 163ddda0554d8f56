import { luaScript } from "../lua-script";
import { dropUserRequestsLua } from "./team-drop-user-requests";

/**
 * Puts a holder of a team's role on its roster when Redis does not list them
 * yet, as manager if they hold the team manager role and the team has none
 * yet. A team made on Discord (the fixture's "Lagos Lions") is recorded here
 * the first time one of its holders shows up, but only if a tournament admin
 * marked its role as a team's: no other role ever becomes a team here.
 *
 * KEYS[1]  <prefix>team:<id>
 * KEYS[2]  <prefix>team:<id>:members
 * KEYS[3]  <prefix>teams
 * KEYS[4]  <prefix>team-names
 * KEYS[5]  <prefix>user-team
 * KEYS[6]  <prefix>user-requests
 * KEYS[7]  <prefix>disbanded-roles
 * KEYS[8]  <prefix>marked-team-roles
 * KEYS[9]  <prefix>audit
 * KEYS[10] <prefix>lock:team:<id>   (an action on the team is under way)
 * KEYS[11] <prefix>lock:user:<id>   (an action on the user is under way)
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
 * Returns "adopted", "unchanged", "unknown" (neither a team nor marked), "disbanded", "name-taken", "in-team" (in another team)
 * or "busy": an action holds the team or the user, and the role may be its own step (an approval gives the team role
 * before its commit puts the player on the roster): that action settles the roster, so adopting now would make its
 * commit refuse and undo it.
 */
export const teamAdoptScript = luaScript({
  name: "safaTeamAdopt",
  keys: [
    "teamKey",
    "membersKey",
    "indexKey",
    "namesKey",
    "userTeamKey",
    "userRequestsKey",
    "disbandedKey",
    "markedKey",
    "auditKey",
    "teamLockKey",
    "userLockKey",
  ],
  args: ["teamId", "name", "normalised", "tag", "userId", "asManager", "now", "entry", "auditMax"],
  body: `${dropUserRequestsLua}
if redis.call("EXISTS", teamLockKey) == 1 or redis.call("EXISTS", userLockKey) == 1 then return "busy" end
if redis.call("SISMEMBER", disbandedKey, teamId) == 1 then return "disbanded" end
local current = redis.call("HGET", userTeamKey, userId)
if current and current ~= teamId then return "in-team" end
local changed = false
if redis.call("EXISTS", teamKey) == 0 then
  local markedBy = redis.call("HGET", markedKey, teamId)
  if not markedBy then return "unknown" end
  if redis.call("HEXISTS", namesKey, normalised) == 1 then return "name-taken" end
  redis.call("HSET", teamKey, "id", teamId, "name", name, "normalizedName", normalised, "tag", tag,
    "managerId", "", "createdBy", markedBy, "createdAt", now, "adopted", "1")
  redis.call("ZADD", indexKey, now, teamId)
  redis.call("HSET", namesKey, normalised, teamId)
  changed = true
end
if not current then
  redis.call("ZADD", membersKey, now, userId)
  redis.call("HSET", userTeamKey, userId, teamId)
  drop_user_requests(teamKey, teamId, userRequestsKey, userId)
  changed = true
end
if asManager == "1" and (redis.call("HGET", teamKey, "managerId") or "") == "" then
  redis.call("HSET", teamKey, "managerId", userId)
  changed = true
end
if not changed then return "unchanged" end
redis.call("XADD", auditKey, "MAXLEN", "~", auditMax, "*", "entry", entry)
return "adopted"
`,
});
