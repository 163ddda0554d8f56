import { luaScript } from "../lua-script";

/**
 * Moves one team onto look-alike keys: a team recorded before names and tags
 * were compared by skeleton (or by a path that does not claim a tag) gets
 * its name key and tag key claimed where no other team holds them, and its
 * old name entry freed. Does nothing when the team is gone or its name or
 * tag differ from those the keys were made from.
 *
 * KEYS[1]  <prefix>team:<id>
 * KEYS[2]  <prefix>team-names  (hash: name key -> team id)
 * KEYS[3]  <prefix>team-tags   (hash: tag key -> team id)
 * ARGV[1]  team id
 * ARGV[2]  name the keys were made from
 * ARGV[3]  tag the keys were made from
 * ARGV[4]  name key (see teamNameKey)
 * ARGV[5]  tag key (see teamTagKey); empty for a team without a tag
 * Returns "indexed", "shared" (indexed where it could be: another team, also
 * from before, holds a look-alike name or tag), "gone" or "changed".
 */
export const teamIndexKeysScript = luaScript({
  name: "safaTeamIndexKeys",
  keys: ["teamKey", "namesKey", "tagsKey"],
  args: ["teamId", "name", "tag", "nameKey", "tagKey"],
  body: `
if redis.call("EXISTS", teamKey) == 0 then return "gone" end
if redis.call("HGET", teamKey, "name") ~= name or redis.call("HGET", teamKey, "tag") ~= tag then return "changed" end
local shared = false
redis.call("HSETNX", namesKey, nameKey, teamId)
if redis.call("HGET", namesKey, nameKey) == teamId then
  local oldNameKey = redis.call("HGET", teamKey, "normalizedName")
  if oldNameKey and oldNameKey ~= nameKey and redis.call("HGET", namesKey, oldNameKey) == teamId then redis.call("HDEL", namesKey, oldNameKey) end
  redis.call("HSET", teamKey, "normalizedName", nameKey)
else
  shared = true
end
if tagKey ~= "" then
  redis.call("HSETNX", tagsKey, tagKey, teamId)
  if redis.call("HGET", tagsKey, tagKey) == teamId then redis.call("HSET", teamKey, "tagKey", tagKey) else shared = true end
end
if shared then return "shared" end
return "indexed"
`,
});
