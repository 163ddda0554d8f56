import { luaScript, type LuaScript, type ScriptSpec } from "../lua-script";

/**
 * The calling convention every commit script of the action engine shares:
 * `actionCommitScript` puts these inputs first and this Lua before each
 * commit body (it is not a script by itself). A commit is the Redis half of an action
 * whose Discord half already succeeded; it refuses to write when the action
 * no longer holds its locks (a lease ran out), so a late process can never
 * overwrite a newer decision.
 *
 * KEYS[1]  lock key of the action's first subject
 * KEYS[2]  lock key of its second subject (the first again when it has one)
 * KEYS[3]  <prefix>journals   (hash: journal id -> JSON)
 * KEYS[4]  <prefix>audit      (stream)
 * ARGV[1]  owner id of the first lock
 * ARGV[2]  owner id of the second lock
 * ARGV[3]  journal id to close
 * ARGV[4]  audit entry, JSON
 * ARGV[5]  audit entries kept (approximate MAXLEN)
 * A commit's own KEYS and ARGV follow these; then, last, so that the commits'
 * own numbering stays as their headers give it:
 * KEYS[last]  <prefix>outbox  (stream: announcements the transactions channel has not had yet)
 * ARGV[last]  "1": the change is announced (the audit entry also goes to the outbox); "0": it is not
 * actionCommitScript numbers them.
 */
const preludeKeys = ["firstLockKey", "secondLockKey", "journalsKey", "auditKey"] as const;
const preludeArgs = ["firstLockOwner", "secondLockOwner", "journalId", "auditEntry", "auditEntriesMax"] as const;
const trailingKeys = ["outboxKey"] as const;
const trailingArgs = ["announce"] as const;

export type ActionCommitPreludeKey = (typeof preludeKeys)[number] | (typeof trailingKeys)[number];
export type ActionCommitPreludeArg = (typeof preludeArgs)[number] | (typeof trailingArgs)[number];

const preludeLua = `
local function holds_locks()
  return redis.call("GET", firstLockKey) == firstLockOwner and redis.call("GET", secondLockKey) == secondLockOwner
end
local function close_journal_and_audit()
  redis.call("HDEL", journalsKey, journalId)
  redis.call("XADD", auditKey, "MAXLEN", "~", auditEntriesMax, "*", "entry", auditEntry)
  -- Never trimmed here: an entry leaves the outbox only once the channel has it (lib/transactions).
  if announce == "1" then
    redis.call("XADD", outboxKey, "*", "entry", auditEntry)
  end
end
local function without(list_json, item)
  local kept = {}
  if list_json then
    for _, value in ipairs(cjson.decode(list_json)) do
      if value ~= item then table.insert(kept, value) end
    end
  end
  return kept
end
`;

/**
 * Runs before every commit body: a commit whose journal is closed while its
 * locks are still held already ran (only the commit closes it under those
 * locks). A client may send a script again when the connection drops before
 * its answer; the second run then changes nothing and answers as the first.
 */
const alreadyCommittedLua = `
if holds_locks() and redis.call("HEXISTS", journalsKey, journalId) == 0 then return "ok" end
`;

/** A commit script: the prelude's inputs, then its own (`commitKeys`, `commitArgs`), which a commit passes by name. */
export type ActionCommitScript<K extends string, A extends string> = LuaScript<ActionCommitPreludeKey | K, ActionCommitPreludeArg | A> & {
  readonly commitKeys: readonly K[];
  readonly commitArgs: readonly A[];
};

/** Builds a commit script: the prelude's inputs and functions, then the commit's own inputs and body. */
export function actionCommitScript<const K extends string, const A extends string>(spec: ScriptSpec<K, A>): ActionCommitScript<K, A> {
  const script = luaScript({
    name: spec.name,
    keys: [...preludeKeys, ...spec.keys, ...trailingKeys],
    args: [...preludeArgs, ...spec.args, ...trailingArgs],
    body: `${preludeLua}${alreadyCommittedLua}${spec.body}`,
  });
  return { ...script, commitKeys: spec.keys, commitArgs: spec.args };
}
