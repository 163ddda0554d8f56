import { luaScript } from "../lua-script";

/**
 * Drops one offer from both sides and audits it, in one step: the manager
 * withdrawing it or the player declining it.
 *
 * KEYS[1]  <prefix>offers:<user>        (hash: team id -> offer JSON)
 * KEYS[2]  <prefix>team:<id>:offers     (sorted set: user id -> expires at)
 * KEYS[3]  <prefix>audit:requests
 * ARGV[1]  team id
 * ARGV[2]  the player's user id
 * ARGV[3]  audit entry, JSON
 * ARGV[4]  audit entries kept (approximate MAXLEN)
 * Returns "ok", or "none" when there was no offer (nothing audited).
 */
export const offerDropScript = luaScript({
  name: "safaOfferDrop",
  keys: ["offersKey", "teamOffersKey", "auditKey"],
  args: ["teamId", "userId", "auditEntry", "auditEntriesMax"],
  body: `
redis.call("ZREM", teamOffersKey, userId)
if redis.call("HDEL", offersKey, teamId) == 0 then return "none" end
redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", auditEntry)
return "ok"
`,
});
