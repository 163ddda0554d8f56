import { actionCommitScript } from "./action-commit-prelude";

/**
 * Stores a profile once its roles are in place at Discord. The gamer tag and
 * EA FC ID are claimed by their keys (look-alike skeletons, named in the
 * profile JSON as `gamerTagKey` and `eaFcIdKey`) in the same step, and the
 * keys of the profile it replaces are freed, so of two players racing for
 * the same gamer tag only one gets it. A profile stored before keys existed
 * names none, and frees none.
 *
 * KEYS[1..4], ARGV[1..5]  see action-commit-prelude.ts (locks, journals, audit)
 * KEYS[5]  <prefix>profile:<user>
 * KEYS[6]  <prefix>gamer-tags  (hash: gamer tag key -> user id)
 * KEYS[7]  <prefix>ea-fc-ids   (hash: EA FC ID key -> user id)
 * ARGV[6]  the profile, JSON
 * ARGV[7]  user id
 * Returns "ok", "lost-lock" when the action's lease ran out, or "gamer-tag-taken"
 * or "ea-fc-id-taken" when another player holds a look-alike (nothing written unless "ok").
 */
export const profileCommitScript = actionCommitScript({
  name: "safaProfileCommit",
  keys: ["profileKey", "gamerTagsKey", "eaFcIdsKey"],
  args: ["profileJson", "userId"],
  body: `
local function claims_of(json)
  if not json then return {} end
  local ok, decoded = pcall(cjson.decode, json)
  if not ok or type(decoded) ~= "table" then return {} end
  return {
    gamerTag = type(decoded.gamerTagKey) == "string" and decoded.gamerTagKey or nil,
    eaFcId = type(decoded.eaFcIdKey) == "string" and decoded.eaFcIdKey or nil,
  }
end
local function held_by_another(indexHash, field)
  if not field then return false end
  local holder = redis.call("HGET", indexHash, field)
  return holder ~= false and holder ~= userId
end
local function release(indexHash, field)
  if field and redis.call("HGET", indexHash, field) == userId then redis.call("HDEL", indexHash, field) end
end
if not holds_locks() then return "lost-lock" end
local new, old = claims_of(profileJson), claims_of(redis.call("GET", profileKey))
if held_by_another(gamerTagsKey, new.gamerTag) then return "gamer-tag-taken" end
if held_by_another(eaFcIdsKey, new.eaFcId) then return "ea-fc-id-taken" end
release(gamerTagsKey, old.gamerTag)
release(eaFcIdsKey, old.eaFcId)
if new.gamerTag then redis.call("HSET", gamerTagsKey, new.gamerTag, userId) end
if new.eaFcId then redis.call("HSET", eaFcIdsKey, new.eaFcId, userId) end
redis.call("SET", profileKey, profileJson)
close_journal_and_audit()
return "ok"
`,
});
