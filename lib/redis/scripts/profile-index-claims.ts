import { luaScript } from "../lua-script";

/**
 * Indexes one profile stored before gamer tags and EA FC IDs had to be
 * unique: claims its keys where no other player holds them yet, and rewrites
 * the profile to name its keys (so a later change frees them). Does nothing
 * when the profile changed since it was read (a save indexes it itself).
 *
 * KEYS[1]  <prefix>profile:<user>
 * KEYS[2]  <prefix>gamer-tags  (hash: gamer tag key -> user id)
 * KEYS[3]  <prefix>ea-fc-ids   (hash: EA FC ID key -> user id)
 * ARGV[1]  user id
 * ARGV[2]  the profile JSON as it was read
 * ARGV[3]  the same profile naming its keys
 * ARGV[4]  gamer tag key
 * ARGV[5]  EA FC ID key
 * Returns "indexed", "shared" (indexed, but another player held a key first:
 * two profiles from before uniqueness look alike) or "changed".
 */
export const profileIndexClaimsScript = luaScript({
  name: "safaProfileIndexClaims",
  keys: ["profileKey", "gamerTagsKey", "eaFcIdsKey"],
  args: ["userId", "readJson", "indexedJson", "gamerTagKey", "eaFcIdKey"],
  body: `
if redis.call("GET", profileKey) ~= readJson then return "changed" end
local gamerTagHolder = redis.call("HSETNX", gamerTagsKey, gamerTagKey, userId) == 1 and userId or redis.call("HGET", gamerTagsKey, gamerTagKey)
local eaFcIdHolder = redis.call("HSETNX", eaFcIdsKey, eaFcIdKey, userId) == 1 and userId or redis.call("HGET", eaFcIdsKey, eaFcIdKey)
redis.call("SET", profileKey, indexedJson)
if gamerTagHolder ~= userId or eaFcIdHolder ~= userId then return "shared" end
return "indexed"
`,
});
