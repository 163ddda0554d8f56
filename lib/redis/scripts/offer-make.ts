import { luaScript } from "../lua-script";

/**
 * Files a team's offer of a place, checking every rule in one atomic step:
 * the team exists and has room, the player is in no team and is looking for
 * one, the team has no open offer to them yet and stays within its number of
 * open offers. Offers that ran out are forgotten first, from both sides. No
 * Discord change is involved, so no lock or journal is needed.
 *
 * KEYS[1]  <prefix>team:<id>
 * KEYS[2]  <prefix>team:<id>:members
 * KEYS[3]  <prefix>team:<id>:offers     (sorted set: user id -> expires at)
 * KEYS[4]  <prefix>offers:<user>        (hash: team id -> offer JSON)
 * KEYS[5]  <prefix>user-team
 * KEYS[6]  <prefix>pool
 * KEYS[7]  <prefix>audit:requests
 * ARGV[1]  team id
 * ARGV[2]  the player's user id
 * ARGV[3]  offer JSON (lib/offers/store.ts)
 * ARGV[4]  expires at, epoch milliseconds
 * ARGV[5]  now, epoch milliseconds
 * ARGV[6]  roster cap
 * ARGV[7]  open offers allowed per team
 * ARGV[8]  audit entry, JSON
 * ARGV[9]  audit entries kept (approximate MAXLEN)
 * Returns "ok", "exists" (an open offer already: nothing to do), "gone",
 * "in-team", "not-looking", "full" or "too-many-offers".
 */
export const offerMakeScript = luaScript({
  name: "safaOfferMake",
  keys: ["teamKey", "membersKey", "teamOffersKey", "offersKey", "userTeamKey", "poolKey", "auditKey"],
  args: ["teamId", "userId", "offerJson", "expiresAt", "now", "rosterMax", "offersMax", "auditEntry", "auditEntriesMax"],
  body: `
if redis.call("EXISTS", teamKey) == 0 then return "gone" end
if redis.call("HEXISTS", userTeamKey, userId) == 1 then return "in-team" end
if redis.call("HEXISTS", poolKey, userId) == 0 then return "not-looking" end
local keyPrefix = string.sub(teamKey, 1, #teamKey - #("team:" .. teamId))
for _, expired in ipairs(redis.call("ZRANGEBYSCORE", teamOffersKey, "-inf", now)) do
  redis.call("HDEL", keyPrefix .. "offers:" .. expired, teamId)
end
redis.call("ZREMRANGEBYSCORE", teamOffersKey, "-inf", now)
local existing = redis.call("HGET", offersKey, teamId)
if existing and tonumber(cjson.decode(existing).expiresAt) > tonumber(now) then return "exists" end
if redis.call("ZCARD", membersKey) >= tonumber(rosterMax) then return "full" end
if redis.call("ZCARD", teamOffersKey) >= tonumber(offersMax) then return "too-many-offers" end
redis.call("HSET", offersKey, teamId, offerJson)
redis.call("ZADD", teamOffersKey, expiresAt, userId)
redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", auditEntry)
return "ok"
`,
});
