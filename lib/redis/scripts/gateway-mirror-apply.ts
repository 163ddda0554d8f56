import { luaScript } from "../lua-script";

/**
 * Applies a batch of the Gateway mirror's operations (lib/gateway/mirror-ops.ts)
 * in order, atomically, and only for the current lease holder: a leader
 * whose lease was taken over (a stale fencing token) writes nothing.
 *
 * An operation with a sequence number `s` is applied only when `s` is above
 * the last one applied in this session, so replays after a resume,
 * duplicates and late events never move the mirror backwards; operations
 * without `s` (session changes, resync needed, begin and finish) always
 * apply. "resync-needed" says the mirror may have missed events: the
 * status' `resync` becomes "needed" (the app stops answering from it until
 * a resync finishes) and a running resync ends, as its confirmations may be
 * lost and its finish must not make the mirror live.
 * Every member written is written twice: in the mirror's own hash and in the
 * role service's cache key (`<cachePrefix><userId>`), in the role service's
 * snapshot format, with `fetchedAt` = now (when the mirror last confirmed it).
 * The cache keys are built here from the prefix (one Redis, no cluster).
 * A member that carries an identity (`i`, the JSON lib/identity stores) has
 * it written to the identities hash in the same step, so rosters can name
 * and picture members who never logged in; a leave keeps it (the audit log
 * and team histories still name them).
 *
 * KEYS[1]  safa:gateway:<guild>:lease        (holder check)
 * KEYS[2]  safa:gateway:<guild>:session      (hash: sessionId, resumeUrl, shardCount, sequence)
 * KEYS[3]  safa:gateway:<guild>:status       (hash)
 * KEYS[4]  safa:gateway:<guild>:members      (hash: user id -> snapshot JSON)
 * KEYS[5]  safa:gateway:<guild>:roles        (hash: role id -> role JSON)
 * KEYS[6]  safa:gateway:<guild>:resync-seen  (set of user ids)
 * KEYS[7]  safa:identities                   (hash: user id -> identity JSON)
 * ARGV[1]  holder, "<fence>:<workerId>"
 * ARGV[2]  JSON array of operations
 * ARGV[3]  now, epoch milliseconds
 * ARGV[4]  cache entry TTL, seconds
 * ARGV[5]  cache key prefix, "discord_roles_<guild>_"
 * Returns {0} when the lease is not ours, else {1, last applied sequence,
 * {user ids whose roles or membership changed}, session id or ""}.
 */
export const gatewayMirrorApplyScript = luaScript({
  name: "safaGatewayMirrorApply",
  keys: ["leaseKey", "sessionKey", "statusKey", "membersKey", "rolesKey", "resyncSeenKey", "identitiesKey"],
  args: ["holder", "ops", "nowMs", "cacheTtlSeconds", "cachePrefix"],
  body: `
if redis.call("GET", leaseKey) ~= holder then
  return {0}
end
local applied = tonumber(redis.call("HGET", sessionKey, "sequence")) or 0
local sequenced = false
local resyncing = redis.call("HGET", statusKey, "resync") == "running"
local changed = {}
local changedSet = {}

local function json_or_null(value)
  if value == nil or value == cjson.null then return "null" end
  return cjson.encode(value)
end

-- Built by hand: cjson writes an empty table as {} and the role service needs "roles": [].
local function snapshot(member, roles, nick, joinedAt)
  local ids = {}
  for i, id in ipairs(roles) do ids[i] = cjson.encode(tostring(id)) end
  return '{"member":' .. (member and "true" or "false") .. ',"roles":[' .. table.concat(ids, ",") .. '],"nick":' .. json_or_null(nick) .. ',"joinedAt":' .. json_or_null(joinedAt) .. ',"fetchedAt":' .. nowMs .. '}'
end

local function same_roles(a, b)
  if #a ~= #b then return false end
  local set = {}
  for _, id in ipairs(a) do set[id] = true end
  for _, id in ipairs(b) do
    if not set[id] then return false end
  end
  return true
end

local function mark_changed(userId)
  if not changedSet[userId] then
    changedSet[userId] = true
    table.insert(changed, userId)
  end
end

local function write_member(userId, roles, nick, joinedAt, identity)
  if type(identity) == "string" then redis.call("HSET", identitiesKey, userId, identity) end
  local previous = redis.call("HGET", membersKey, userId)
  local value = snapshot(true, roles, nick, joinedAt)
  redis.call("HSET", membersKey, userId, value)
  redis.call("SET", cachePrefix .. userId, value, "EX", cacheTtlSeconds)
  if resyncing then redis.call("SADD", resyncSeenKey, userId) end
  if not previous or not same_roles(cjson.decode(previous).roles, roles) then mark_changed(userId) end
end

local function leave(userId)
  local was = redis.call("HDEL", membersKey, userId)
  redis.call("SET", cachePrefix .. userId, snapshot(false, {}, nil, nil), "EX", cacheTtlSeconds)
  if resyncing then redis.call("SREM", resyncSeenKey, userId) end
  if was == 1 then mark_changed(userId) end
end

local function delete_role(roleId)
  redis.call("HDEL", rolesKey, roleId)
  local all = redis.call("HGETALL", membersKey)
  for i = 1, #all, 2 do
    local record = cjson.decode(all[i + 1])
    local kept = {}
    local held = false
    for _, id in ipairs(record.roles) do
      if id == roleId then held = true else table.insert(kept, id) end
    end
    if held then
      local value = snapshot(true, kept, record.nick, record.joinedAt)
      redis.call("HSET", membersKey, all[i], value)
      redis.call("SET", cachePrefix .. all[i], value, "EX", cacheTtlSeconds)
      mark_changed(all[i])
    end
  end
end

local function finish_resync()
  if not resyncing then return end
  local ids = redis.call("HKEYS", membersKey)
  for _, userId in ipairs(ids) do
    if redis.call("SISMEMBER", resyncSeenKey, userId) == 0 then leave(userId) end
  end
  redis.call("DEL", resyncSeenKey)
  redis.call("HSET", statusKey, "resync", "done", "resyncDoneAt", nowMs)
  resyncing = false
end

local function apply(op)
  local t = op.t
  if t == "member" then
    write_member(op.m.u, op.m.r, op.m.n, op.m.j, op.m.i)
  elseif t == "members" then
    for _, m in ipairs(op.m) do write_member(m.u, m.r, m.n, m.j, m.i) end
  elseif t == "leave" then
    leave(op.u)
  elseif t == "role" then
    redis.call("HSET", rolesKey, op.id, op.json)
  elseif t == "roles" then
    redis.call("DEL", rolesKey)
    for _, role in ipairs(op.roles) do redis.call("HSET", rolesKey, role.id, role.json) end
  elseif t == "role-delete" then
    delete_role(op.id)
  elseif t == "resync-needed" then
    redis.call("DEL", resyncSeenKey)
    redis.call("HSET", statusKey, "resync", "needed", "resyncNeededAt", nowMs, "resyncNeededWhy", op.why)
    resyncing = false
  elseif t == "resync-begin" then
    redis.call("DEL", resyncSeenKey)
    redis.call("HSET", statusKey, "resync", "running", "resyncStartedAt", nowMs)
    redis.call("HINCRBY", statusKey, "resyncCount", 1)
    resyncing = true
  elseif t == "resync-finish" then
    finish_resync()
  elseif t == "session" then
    redis.call("DEL", sessionKey)
    redis.call("HSET", sessionKey, "sessionId", op.id, "resumeUrl", op.url, "shardCount", op.shards, "sequence", 0)
    applied = 0
  elseif t == "session-clear" then
    redis.call("DEL", sessionKey)
    applied = 0
  end
end

for _, op in ipairs(cjson.decode(ops)) do
  local s = tonumber(op.s)
  if s == nil then
    apply(op)
  elseif s > applied then
    apply(op)
    applied = s
    sequenced = true
  end
end

if sequenced then
  redis.call("HSET", sessionKey, "sequence", applied)
  redis.call("HSET", statusKey, "lastEventAt", nowMs, "lastEventSeq", applied)
end
redis.call("HSET", statusKey, "membersMirrored", redis.call("HLEN", membersKey))
return {1, applied, changed, redis.call("HGET", sessionKey, "sessionId") or ""}
`,
});
