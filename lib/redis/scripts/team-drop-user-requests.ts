/**
 * A Lua function the scripts that put a user on a roster share (it is not a
 * script by itself): a user in a team has no pending request anywhere, so
 * their requests go from every team they asked, not only from their own
 * index. Left on another team's list, such a request would come back as
 * pending (and approvable) once the user left their team, though the user
 * no longer sees it.
 *
 * The other teams' request lists are named like the team key given
 * (`<prefix>team:<id>` -> `<prefix>team:<other>:requests`): keys the script
 * does not declare, which the standalone Redis the product requires allows.
 */
export const dropUserRequestsLua = `
local function drop_user_requests(team_key, team_id, user_requests_key, user_id)
  local raw = redis.call("HGET", user_requests_key, user_id)
  if raw then
    local base = string.sub(team_key, 1, #team_key - #team_id)
    for _, other in ipairs(cjson.decode(raw)) do
      redis.call("ZREM", base .. other .. ":requests", user_id)
    end
  end
  redis.call("HDEL", user_requests_key, user_id)
end
`;
