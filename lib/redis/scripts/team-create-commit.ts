import { dropUserRequestsLua } from "./team-drop-user-requests";
import { actionCommitScript } from "./action-commit-prelude";

/**
 * Records a new team once its Discord role exists and the creator holds it,
 * claiming its name and tag keys (look-alike skeletons) in the same step, so
 * of two racing creates with look-alike names or tags only one is recorded.
 *
 * KEYS[1..4], ARGV[1..5]  see action-commit-prelude.ts (locks, journals, audit)
 * KEYS[5]   <prefix>team:<id>          (hash)
 * KEYS[6]   <prefix>team:<id>:members  (zset)
 * KEYS[7]   <prefix>teams              (zset index)
 * KEYS[8]   <prefix>team-names         (hash: name key -> id)
 * KEYS[9]   <prefix>user-team          (hash: user -> team)
 * KEYS[10]  <prefix>user-requests      (hash: user -> JSON array of team ids)
 * KEYS[11]  <prefix>team-tags          (hash: tag key -> id)
 * ARGV[6]   team id (the Discord role id)
 * ARGV[7]   name key (see teamNameKey)
 * ARGV[8]   name as entered
 * ARGV[9]   tag
 * ARGV[10]  creator (and manager) user id
 * ARGV[11]  now, epoch milliseconds
 * ARGV[12]  tag key (see teamTagKey)
 * Also drops the creator's requests to other teams (see team-drop-user-requests.ts).
 * Returns "ok", "lost-lock", "name-taken", "tag-taken" or "in-team" (nothing written unless "ok").
 */
export const teamCreateCommitScript = actionCommitScript({
  name: "safaTeamCreateCommit",
  keys: ["teamKey", "membersKey", "indexKey", "namesKey", "userTeamKey", "userRequestsKey", "tagsKey"],
  args: ["teamId", "nameKey", "name", "tag", "userId", "now", "tagKey"],
  body: `${dropUserRequestsLua}
if not holds_locks() then return "lost-lock" end
if redis.call("HEXISTS", namesKey, nameKey) == 1 then return "name-taken" end
if redis.call("HEXISTS", tagsKey, tagKey) == 1 then return "tag-taken" end
if redis.call("HEXISTS", userTeamKey, userId) == 1 then return "in-team" end
redis.call("HSET", teamKey, "id", teamId, "name", name, "normalizedName", nameKey, "tag", tag, "tagKey", tagKey,
  "managerId", userId, "createdBy", userId, "createdAt", now, "adopted", "0")
redis.call("ZADD", membersKey, now, userId)
redis.call("ZADD", indexKey, now, teamId)
redis.call("HSET", namesKey, nameKey, teamId)
redis.call("HSET", tagsKey, tagKey, teamId)
redis.call("HSET", userTeamKey, userId, teamId)
drop_user_requests(teamKey, teamId, userRequestsKey, userId)
close_journal_and_audit()
return "ok"
`,
});
