/**
 * The calling convention every commit script of the action engine shares, prepended to each
 * (it is not a script by itself). A commit is the Redis half of an action
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
 * Script-specific KEYS start at 5 and ARGV at 6.
 */
export const actionCommitPrelude = `
local function holds_locks()
  return redis.call("GET", KEYS[1]) == ARGV[1] and redis.call("GET", KEYS[2]) == ARGV[2]
end
local function close_journal_and_audit()
  redis.call("HDEL", KEYS[3], ARGV[3])
  redis.call("XADD", KEYS[4], "MAXLEN", "~", ARGV[5], "*", "entry", ARGV[4])
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
