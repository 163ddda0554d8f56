import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { luaScript, runScript } from "@/lib/redis/lua-script";
import { teamLeaveCommitScript } from "@/lib/redis/scripts/team-leave-commit";

describe("luaScript", () => {
  it("binds each key, then each argument, to a local of its name, in order", () => {
    const script = luaScript({ name: "probe", keys: ["firstKey", "secondKey"], args: ["owner", "leaseMs"], body: "return 1" });
    expect(script.lua.split("\n").slice(0, 4)).toEqual([
      "local firstKey = KEYS[1]",
      "local secondKey = KEYS[2]",
      "local owner = ARGV[1]",
      "local leaseMs = ARGV[2]",
    ]);
    expect(script.lua.endsWith("return 1")).toBe(true);
  });

  it("refuses an input that is not a Lua name or is named twice", () => {
    expect(() => luaScript({ name: "probe", keys: ["team-key"], args: [], body: "" })).toThrow(/not a Lua name/);
    expect(() => luaScript({ name: "probe", keys: ["owner"], args: ["owner"], body: "" })).toThrow(/named twice/);
  });
});

describe("actionCommitScript", () => {
  it("numbers a commit's own inputs after the prelude's four keys and five arguments", () => {
    const { lua, keys, args, commitKeys, commitArgs } = teamLeaveCommitScript;
    expect(keys.slice(0, 4)).toEqual(["firstLockKey", "secondLockKey", "journalsKey", "auditKey"]);
    expect(commitKeys).toEqual(["teamKey", "membersKey", "userTeamKey", "changesKey", "windowKey", "locksKey"]);
    expect(commitArgs).toEqual(["teamId", "userId", "changeLimit", "countsChange", "enforceRules", "now"]);
    // The prelude's trailing outbox key and announce flag come last.
    expect(keys).toHaveLength(11);
    expect(args).toHaveLength(12);
    expect(keys.at(-1)).toBe("outboxKey");
    expect(args.at(-1)).toBe("announce");
    expect(lua).toContain("local teamKey = KEYS[5]");
    expect(lua).toContain("local userTeamKey = KEYS[7]");
    expect(lua).toContain("local teamId = ARGV[6]");
    expect(lua).toContain("local userId = ARGV[7]");
  });
});

describe("runScript", () => {
  it("refuses a call missing an input before it reaches Redis", async () => {
    const script = luaScript({ name: "probe", keys: ["lockKey"], args: ["owner"], body: "return 1" });
    const notReached = {} as unknown as Redis;
    const input = { keys: { lockKey: "lock" }, args: {} } as unknown as Parameters<typeof runScript<"lockKey", "owner">>[2];
    await expect(runScript(notReached, script, input)).rejects.toThrow(/missing owner/);
  });
});
