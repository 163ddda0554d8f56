/**
 * Lua shared by the transfer window's scripts (not a script by itself):
 * `settle_window()` folds every scheduled change whose time has come into
 * the window's current state, announcing each that changed it, then drops
 * it from the record. A scheduled change is thus announced exactly once, by
 * whichever script first runs after its time (a read of the window, or an
 * admin's next change), and a change made later never loses an earlier one.
 *
 * Reads the including script's `windowKey`, `auditKey`, `outboxKey`, `now`
 * (epoch ms), `announce` ("1": the transactions channel is configured, so
 * announcements also go to the outbox) and `auditEntriesMax`.
 * The record (hash): state ("open"/"closed"; absent: open), at, byId,
 * byName; openAt, openById, openByName; closeAt, closeById, closeByName.
 */
export const settleWindowLua = `
local function announce_window(state, at, byId, byName, detail)
  local entry = cjson.encode({
    at = at, actorId = byId, actorName = byName, action = state == "open" and "window.open" or "window.close",
    teamId = cjson.null, teamName = cjson.null, targetId = cjson.null, detail = detail,
  })
  redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", entry)
  if announce == "1" then redis.call("XADD", outboxKey, "*", "entry", entry) end
end
local function settle_window()
  local nowMs = tonumber(now)
  local record = {}
  local flat = redis.call("HGETALL", windowKey)
  for i = 1, #flat, 2 do record[flat[i]] = flat[i + 1] end
  local state = record.state or "open"
  local due = {}
  for _, kind in ipairs({ "open", "close" }) do
    local at = tonumber(record[kind .. "At"])
    if at and at <= nowMs then
      table.insert(due, { kind = kind, at = at, state = kind == "open" and "open" or "closed", byId = record[kind .. "ById"] or "", byName = record[kind .. "ByName"] or "" })
    end
  end
  table.sort(due, function(a, b) return a.at < b.at end)
  for _, change in ipairs(due) do
    if change.state ~= state then
      state = change.state
      redis.call("HSET", windowKey, "state", state, "at", change.at, "byId", change.byId, "byName", change.byName)
      announce_window(state, change.at, change.byId, change.byName, "at the scheduled time")
    end
    redis.call("HDEL", windowKey, change.kind .. "At", change.kind .. "ById", change.kind .. "ByName")
  end
  return state
end
`;
