import { actionCommitScript } from "./action-commit-prelude";

/**
 * Removes every record of a team once its Discord role is deleted and its
 * members are free agents again, and frees its name and tag keys for other
 * teams. Safe to run twice: a retry that completes an interrupted disband
 * finds nothing left and still closes the journal.
 *
 * KEYS[1..4], ARGV[1..5]  see action-commit-prelude.ts (locks, journals, audit)
 * KEYS[5]   <prefix>team:<id>
 * KEYS[6]   <prefix>team:<id>:members
 * KEYS[7]   <prefix>team:<id>:requests
 * KEYS[8]   <prefix>teams
 * KEYS[9]   <prefix>team-names
 * KEYS[10]  <prefix>user-team
 * KEYS[11]  <prefix>user-requests
 * KEYS[12]  <prefix>disbanded-roles
 * KEYS[13]  <prefix>team-tags
 * KEYS[14]  <prefix>team:<id>:offers (its open offers; each player's own
 *           `<prefix>offers:<user>` entry for the team goes with it)
 * ARGV[6]   team id
 * Returns "ok" or "lost-lock".
 */
export const teamDisbandCommitScript = actionCommitScript({
  name: "safaTeamDisbandCommit",
  keys: [
    "teamKey",
    "membersKey",
    "requestsKey",
    "indexKey",
    "namesKey",
    "userTeamKey",
    "userRequestsKey",
    "disbandedKey",
    "tagsKey",
    "teamOffersKey",
  ],
  args: ["teamId"],
  body: `
local function release(indexHash, field)
  if field and redis.call("HGET", indexHash, field) == teamId then redis.call("HDEL", indexHash, field) end
end
if not holds_locks() then return "lost-lock" end
for _, member in ipairs(redis.call("ZRANGE", membersKey, 0, -1)) do
  if redis.call("HGET", userTeamKey, member) == teamId then redis.call("HDEL", userTeamKey, member) end
end
for _, requester in ipairs(redis.call("ZRANGE", requestsKey, 0, -1)) do
  local kept = without(redis.call("HGET", userRequestsKey, requester), teamId)
  if #kept == 0 then redis.call("HDEL", userRequestsKey, requester) else redis.call("HSET", userRequestsKey, requester, cjson.encode(kept)) end
end
local keyPrefix = string.sub(teamKey, 1, #teamKey - #("team:" .. teamId))
for _, offered in ipairs(redis.call("ZRANGE", teamOffersKey, 0, -1)) do
  redis.call("HDEL", keyPrefix .. "offers:" .. offered, teamId)
end
redis.call("DEL", teamOffersKey)
release(namesKey, redis.call("HGET", teamKey, "normalizedName"))
release(tagsKey, redis.call("HGET", teamKey, "tagKey"))
redis.call("DEL", teamKey, membersKey, requestsKey)
redis.call("ZREM", indexKey, teamId)
redis.call("SADD", disbandedKey, teamId)
close_journal_and_audit()
return "ok"
`,
});
