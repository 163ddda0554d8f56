import { luaScript } from "../lua-script";
import { dropUserRequestsLua } from "./team-drop-user-requests";

/**
 * Brings one team's records in line with what Discord shows (a team role
 * given, taken or deleted there), under the team's action lock. Each step
 * is applied only when it still changes something, so the Gateway's copy of
 * a change the dashboard already made, or a replayed event, writes nothing
 * and audits nothing; each applied step appends its own audit entry.
 *
 * Steps (ARGV[3], JSON array, in order):
 *   {op: "create", name, normalised, tag, entry}  a marked role becomes a team (not if disbanded, unmarked or its name is taken)
 *   {op: "add", u, entry}                          u joins the roster (not if u is on another team's)
 *   {op: "remove", u, entry}                       u leaves the roster (and stops managing it)
 *   {op: "manager", u, entry}                      u ("" for nobody) manages the team (u must be on its roster)
 *   {op: "disband", entry}                         every record of the team goes, as a disband's commit does
 *
 * KEYS[1]   lock key of the team (`<prefix>lock:team:<id>`)
 * KEYS[2]   <prefix>team:<id>
 * KEYS[3]   <prefix>team:<id>:members
 * KEYS[4]   <prefix>team:<id>:requests
 * KEYS[5]   <prefix>teams
 * KEYS[6]   <prefix>team-names
 * KEYS[7]   <prefix>team-tags
 * KEYS[8]   <prefix>user-team
 * KEYS[9]   <prefix>user-requests
 * KEYS[10]  <prefix>disbanded-roles
 * KEYS[11]  <prefix>marked-team-roles
 * KEYS[12]  <prefix>audit
 * KEYS[13]  <prefix>outbox   (the transactions channel's announcements)
 * ARGV[1]   team id (the role id)
 * ARGV[2]   owner of the team's lock
 * ARGV[3]   steps, JSON
 * ARGV[4]   now, epoch milliseconds
 * ARGV[5]   audit entries kept (approximate MAXLEN)
 * ARGV[6]   "1": each applied step's audit entry also goes to the outbox (a channel is configured); "0": not
 * Returns "lost-lock" (nothing written) or a JSON array of the 1-based indexes of the steps applied.
 */
export const teamFollowDiscordScript = luaScript({
  name: "safaTeamFollowDiscord",
  keys: [
    "lockKey",
    "teamKey",
    "membersKey",
    "requestsKey",
    "indexKey",
    "namesKey",
    "tagsKey",
    "userTeamKey",
    "userRequestsKey",
    "disbandedKey",
    "markedKey",
    "auditKey",
    "outboxKey",
  ],
  args: ["teamId", "lockOwner", "steps", "now", "auditMax", "announce"],
  body: `${dropUserRequestsLua}
if redis.call("GET", lockKey) ~= lockOwner then return "lost-lock" end

local function release(indexHash, field)
  if field and redis.call("HGET", indexHash, field) == teamId then redis.call("HDEL", indexHash, field) end
end

local function create(step)
  if redis.call("EXISTS", teamKey) == 1 then return false end
  if redis.call("SISMEMBER", disbandedKey, teamId) == 1 then return false end
  local markedBy = redis.call("HGET", markedKey, teamId)
  if not markedBy then return false end
  local holder = redis.call("HGET", namesKey, step.normalised)
  if holder and holder ~= teamId then return false end
  redis.call("HSET", teamKey, "id", teamId, "name", step.name, "normalizedName", step.normalised, "tag", step.tag,
    "managerId", "", "createdBy", markedBy, "createdAt", now, "adopted", "1")
  redis.call("ZADD", indexKey, now, teamId)
  redis.call("HSET", namesKey, step.normalised, teamId)
  return true
end

local function add(step)
  if redis.call("EXISTS", teamKey) == 0 then return false end
  if redis.call("HGET", userTeamKey, step.u) then return false end
  redis.call("ZADD", membersKey, now, step.u)
  redis.call("HSET", userTeamKey, step.u, teamId)
  drop_user_requests(teamKey, teamId, userRequestsKey, step.u)
  return true
end

local function remove(step)
  if redis.call("HGET", userTeamKey, step.u) ~= teamId then return false end
  redis.call("ZREM", membersKey, step.u)
  redis.call("HDEL", userTeamKey, step.u)
  if redis.call("HGET", teamKey, "managerId") == step.u then redis.call("HSET", teamKey, "managerId", "") end
  return true
end

local function manager(step)
  if redis.call("EXISTS", teamKey) == 0 then return false end
  if (redis.call("HGET", teamKey, "managerId") or "") == step.u then return false end
  if step.u ~= "" and redis.call("HGET", userTeamKey, step.u) ~= teamId then return false end
  redis.call("HSET", teamKey, "managerId", step.u)
  return true
end

local function disband()
  if redis.call("EXISTS", teamKey) == 0 then return false end
  for _, member in ipairs(redis.call("ZRANGE", membersKey, 0, -1)) do
    if redis.call("HGET", userTeamKey, member) == teamId then redis.call("HDEL", userTeamKey, member) end
  end
  for _, requester in ipairs(redis.call("ZRANGE", requestsKey, 0, -1)) do
    local raw = redis.call("HGET", userRequestsKey, requester)
    local kept = {}
    if raw then
      for _, other in ipairs(cjson.decode(raw)) do
        if other ~= teamId then table.insert(kept, other) end
      end
    end
    if #kept == 0 then redis.call("HDEL", userRequestsKey, requester) else redis.call("HSET", userRequestsKey, requester, cjson.encode(kept)) end
  end
  release(namesKey, redis.call("HGET", teamKey, "normalizedName"))
  release(tagsKey, redis.call("HGET", teamKey, "tagKey"))
  redis.call("DEL", teamKey, membersKey, requestsKey)
  redis.call("ZREM", indexKey, teamId)
  redis.call("SADD", disbandedKey, teamId)
  return true
end

local handlers = { create = create, add = add, remove = remove, manager = manager, disband = disband }
local applied = {}
for index, step in ipairs(cjson.decode(steps)) do
  local handler = handlers[step.op]
  if handler and handler(step) then
    redis.call("XADD", auditKey, "MAXLEN", "~", auditMax, "*", "entry", step.entry)
    if announce == "1" then redis.call("XADD", outboxKey, "*", "entry", step.entry) end
    table.insert(applied, index)
  end
end
if #applied == 0 then return "[]" end
return cjson.encode(applied)
`,
});
