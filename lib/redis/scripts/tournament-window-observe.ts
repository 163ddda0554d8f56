import { luaScript } from "../lua-script";
import { settleWindowLua } from "./tournament-window-settle";

/**
 * Brings the transfer window's record up to the clock: every scheduled
 * opening or closing whose time has come takes effect and is announced, once
 * (see tournament-window-settle.ts). Every read of the window runs it (the
 * views, and each roster action's rules), so a scheduled change needs no
 * timer to take effect in the records and be announced.
 *
 * KEYS[1]  <prefix>transfer-window   (hash)
 * KEYS[2]  <prefix>audit             (stream)
 * KEYS[3]  <prefix>outbox            (stream of announcements for the transactions channel)
 * ARGV[1]  now, epoch milliseconds
 * ARGV[2]  "1" when the transactions channel is configured, else "0"
 * ARGV[3]  audit entries kept (approximate MAXLEN)
 * Returns the record once settled, as HGETALL answers it (a flat list of fields and values).
 */
export const tournamentWindowObserveScript = luaScript({
  name: "safaTournamentWindowObserve",
  keys: ["windowKey", "auditKey", "outboxKey"],
  args: ["now", "announce", "auditEntriesMax"],
  body: `${settleWindowLua}
settle_window()
return redis.call("HGETALL", windowKey)
`,
});
