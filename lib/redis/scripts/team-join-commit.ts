import { dropUserRequestsLua } from "./team-drop-user-requests";
import { dropUserOffersLua } from "./offer-drop-user-offers";
import { actionCommitScript } from "./action-commit-prelude";
import { seasonChangeLua } from "./tournament-season-change";
import { transferRulesLua } from "./tournament-transfer-rules";

/**
 * Moves an approved player from the team's requests (or a player who
 * accepted the team's offer) onto its roster, once Discord shows them in the
 * team. The roster cap is checked here, inside the
 * one atomic step, so two approvals racing for the last slot cannot both win
 * even if a lock lease ran out.
 *
 * KEYS[1..4], ARGV[1..5]  see action-commit-prelude.ts (locks, journals, audit)
 * KEYS[5]  <prefix>team:<id>
 * KEYS[6]  <prefix>team:<id>:members
 * KEYS[7]  <prefix>team:<id>:requests
 * KEYS[8]  <prefix>user-team
 * KEYS[9]  <prefix>user-requests
 * ARGV[6]  team id
 * ARGV[7]  the joining user's id
 * ARGV[8]  roster cap
 * ARGV[9]  now, epoch milliseconds
 * KEYS[10] <prefix>offers:<user>  (hash: team id -> offer JSON with `expiresAt`)
 * KEYS[11] <prefix>pool
 * ARGV[10] "request" or "offer": which of the two the join answers
 * KEYS[12] <prefix>season:<start>:changes   (the season's roster changes per team)
 * ARGV[11] roster changes allowed per team ("0": no limit)
 * ARGV[12] "1" when the join counts as one of the season's changes
 * KEYS[13] <prefix>transfer-window
 * KEYS[14] <prefix>roster-locks
 * ARGV[13] "1": the transfer window and roster locks apply; "0": a tournament admin overrode them
 * Also drops the player's requests to other teams and every team's offer to
 * them, and takes them out of the pool (see team-drop-user-requests.ts and
 * offer-drop-user-offers.ts).
 * Returns "ok", "lost-lock", "gone", "in-team", "no-request", "no-offer",
 * "offer-expired", "full", "change-limit", "window-closed" or "roster-locked"
 * (nothing written unless "ok", but a scheduled window change that came due is settled).
 */
export const teamJoinCommitScript = actionCommitScript({
  name: "safaTeamJoinCommit",
  keys: ["teamKey", "membersKey", "requestsKey", "userTeamKey", "userRequestsKey", "offersKey", "poolKey", "changesKey", "windowKey", "locksKey"],
  args: ["teamId", "userId", "rosterMax", "now", "via", "changeLimit", "countsChange", "enforceRules"],
  body: `${dropUserRequestsLua}${dropUserOffersLua}${seasonChangeLua}${transferRulesLua}
if not holds_locks() then return "lost-lock" end
if redis.call("EXISTS", teamKey) == 0 then return "gone" end
if redis.call("HEXISTS", userTeamKey, userId) == 1 then return "in-team" end
if via == "offer" then
  local offer = redis.call("HGET", offersKey, teamId)
  if not offer then return "no-offer" end
  if tonumber(cjson.decode(offer).expiresAt) <= tonumber(now) then return "offer-expired" end
elseif not redis.call("ZSCORE", requestsKey, userId) then
  return "no-request"
end
if redis.call("ZCARD", membersKey) >= tonumber(rosterMax) then return "full" end
if change_limit_reached() then return "change-limit" end
local rulesRefusal = transfer_rules_refusal()
if rulesRefusal then return rulesRefusal end
count_change()
redis.call("ZADD", membersKey, now, userId)
redis.call("HSET", userTeamKey, userId, teamId)
redis.call("ZREM", requestsKey, userId)
drop_user_requests(teamKey, teamId, userRequestsKey, userId)
drop_user_offers(teamKey, teamId, offersKey, poolKey, userId)
close_journal_and_audit()
return "ok"
`,
});
