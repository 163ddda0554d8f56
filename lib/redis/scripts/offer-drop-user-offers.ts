/**
 * A Lua function the scripts that put a user on a roster share (it is not a
 * script by itself): a player on a roster has no open offer anywhere, so
 * every team that offered them a place loses that offer too, and the player
 * leaves the free-agent pool.
 *
 * The other teams' offer lists are named like the team key given
 * (`<prefix>team:<id>` -> `<prefix>team:<other>:offers`), as
 * team-drop-user-requests.ts names their request lists.
 */
export const dropUserOffersLua = `
local function drop_user_offers(team_key, team_id, offers_key, pool_key, user_id)
  local base = string.sub(team_key, 1, #team_key - #team_id)
  for _, other in ipairs(redis.call("HKEYS", offers_key)) do
    redis.call("ZREM", base .. other .. ":offers", user_id)
  end
  redis.call("DEL", offers_key)
  redis.call("HDEL", pool_key, user_id)
end
`;
