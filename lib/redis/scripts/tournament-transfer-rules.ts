import { settleWindowLua } from "./tournament-window-settle";

/**
 * Lua shared by the join and leave commit scripts (not a script by itself):
 * the transfer window and the roster locks judged once more in the atomic
 * step that changes the roster, so a change whose Discord half was under way
 * when an admin closed the window or locked the roster is undone rather than
 * applied after the close. A scheduled change whose time has come is settled
 * (and announced) first, as any read of the window does.
 *
 * Reads the including script's `windowKey` (<prefix>transfer-window),
 * `locksKey` (<prefix>roster-locks), `teamId`, `now` (epoch ms),
 * `enforceRules` ("0": a tournament admin overrode the rules), and what
 * tournament-window-settle.ts reads (`auditKey`, `outboxKey`, `announce`,
 * `auditEntriesMax`).
 */
export const transferRulesLua = `${settleWindowLua}
local function transfer_rules_refusal()
  if enforceRules ~= "1" then return nil end
  if settle_window() == "closed" then return "window-closed" end
  for _, lock in ipairs(redis.call("HMGET", locksKey, teamId, "all")) do
    if lock then
      local lockEnd = cjson.decode(lock)["until"]
      if lockEnd == nil or lockEnd == cjson.null or tonumber(lockEnd) > tonumber(now) then return "roster-locked" end
    end
  end
  return nil
end
`;
