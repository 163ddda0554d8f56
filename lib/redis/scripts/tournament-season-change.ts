/**
 * Lua shared by the join and leave commit scripts (not a script by itself):
 * a roster change counts against the team's limit for the season in the
 * same atomic step that makes it, so two changes racing for a team's last
 * one cannot both pass even if a lock lease ran out.
 *
 * Reads the including script's `changesKey` (<prefix>season:<start>:changes,
 * hash: team id -> changes made), `teamId`, `countsChange` ("1" when a
 * season has started, so the change counts) and `changeLimit` (changes
 * allowed per team; "0": no limit, or a tournament admin overrode it).
 */
export const seasonChangeLua = `
local function change_limit_reached()
  if countsChange ~= "1" or tonumber(changeLimit) <= 0 then return false end
  return tonumber(redis.call("HGET", changesKey, teamId) or "0") >= tonumber(changeLimit)
end
local function count_change()
  if countsChange == "1" then redis.call("HINCRBY", changesKey, teamId, 1) end
end
`;
