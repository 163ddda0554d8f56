import { luaScript } from "../lua-script";
import { settleWindowLua } from "./tournament-window-settle";

/**
 * An admin's change to the transfer window: open or close it now, schedule
 * an opening or a closing, or cancel a scheduled one. Scheduled changes
 * whose time has come are settled first (tournament-window-settle.ts), so
 * the admin's change lands on the window as it is now. Opening or closing
 * now is announced in the same step as its audit entry; it also drops a
 * scheduled change of the same kind, which it makes moot.
 *
 * KEYS[1]  <prefix>transfer-window   (hash, see tournament-window-settle.ts)
 * KEYS[2]  <prefix>audit             (stream)
 * KEYS[3]  <prefix>outbox            (stream of announcements)
 * ARGV[1]  now, epoch milliseconds
 * ARGV[2]  "1" when the transactions channel is configured, else "0"
 * ARGV[3]  audit entries kept (approximate MAXLEN)
 * ARGV[4]  change: "open", "close", "schedule-open", "schedule-close", "cancel-open" or "cancel-close"
 * ARGV[5]  when a scheduled change happens, epoch milliseconds ("" otherwise)
 * ARGV[6]  the admin's user id
 * ARGV[7]  the admin's name
 * ARGV[8]  audit entry of the change, JSON (also the announcement of an opening or closing now)
 * Returns "ok", "unchanged" (the window already was so, or there was nothing to cancel) or "past" (a time not ahead of now).
 */
export const tournamentWindowSetScript = luaScript({
  name: "safaTournamentWindowSet",
  keys: ["windowKey", "auditKey", "outboxKey"],
  args: ["now", "announce", "auditEntriesMax", "change", "at", "byId", "byName", "entry"],
  body: `${settleWindowLua}
local state = settle_window()
local function audit(announced)
  redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", entry)
  if announced and announce == "1" then redis.call("XADD", outboxKey, "*", "entry", entry) end
end
if change == "open" or change == "close" then
  local wanted = change == "open" and "open" or "closed"
  if state == wanted then return "unchanged" end
  redis.call("HSET", windowKey, "state", wanted, "at", now, "byId", byId, "byName", byName)
  redis.call("HDEL", windowKey, change .. "At", change .. "ById", change .. "ByName")
  audit(true)
  return "ok"
end
local kind = string.match(change, "^schedule%-(%a+)$")
if kind then
  if tonumber(at) <= tonumber(now) then return "past" end
  redis.call("HSET", windowKey, kind .. "At", at, kind .. "ById", byId, kind .. "ByName", byName)
  audit(false)
  return "ok"
end
kind = string.match(change, "^cancel%-(%a+)$")
if redis.call("HDEL", windowKey, kind .. "At", kind .. "ById", kind .. "ByName") == 0 then return "unchanged" end
audit(false)
return "ok"
`,
});
