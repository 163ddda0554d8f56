import type { LuaScript } from "./index";
import { teamCommitPrelude } from "./team-prelude";

/**
 * Stores a profile once its roles are in place at Discord.
 *
 * KEYS[1..4], ARGV[1..5]  see team-prelude.ts (locks, journals, audit)
 * KEYS[5]  <prefix>profile:<user>
 * ARGV[6]  the profile, JSON
 * Returns "ok", or "lost-lock" when the action's lease ran out (nothing written).
 */
export const teamProfileCommitScript: LuaScript = {
  name: "safaTeamProfileCommit",
  numberOfKeys: 5,
  lua: `${teamCommitPrelude}
if not holds_locks() then return "lost-lock" end
redis.call("SET", KEYS[5], ARGV[6])
close_journal_and_audit()
return "ok"
`,
};
