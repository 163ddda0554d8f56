import type { LuaScript } from "./index";
import { dropUserRequestsLua } from "./team-drop-user-requests";
import { actionCommitPrelude } from "./action-commit-prelude";

/**
 * Moves an approved player from the team's requests onto its roster, once
 * Discord shows them in the team. The roster cap is checked here, inside the
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
 * Also drops the player's requests to other teams (see team-drop-user-requests.ts).
 * Returns "ok", "lost-lock", "gone", "in-team", "no-request" or "full" (nothing written unless "ok").
 */
export const teamJoinCommitScript: LuaScript = {
  name: "safaTeamJoinCommit",
  numberOfKeys: 9,
  lua: `${actionCommitPrelude}${dropUserRequestsLua}
if not holds_locks() then return "lost-lock" end
if redis.call("EXISTS", KEYS[5]) == 0 then return "gone" end
if redis.call("HEXISTS", KEYS[8], ARGV[7]) == 1 then return "in-team" end
if not redis.call("ZSCORE", KEYS[7], ARGV[7]) then return "no-request" end
if redis.call("ZCARD", KEYS[6]) >= tonumber(ARGV[8]) then return "full" end
redis.call("ZADD", KEYS[6], ARGV[9], ARGV[7])
redis.call("HSET", KEYS[8], ARGV[7], ARGV[6])
redis.call("ZREM", KEYS[7], ARGV[7])
drop_user_requests(KEYS[5], ARGV[6], KEYS[9], ARGV[7])
close_journal_and_audit()
return "ok"
`,
};
