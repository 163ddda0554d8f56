import { describe, expect, it } from "vitest";
import { grant, revoke, rolesAfter } from "@/lib/actions/actor";
import { tagFromName } from "@/lib/teams/adopt";
import { createdRole } from "@/lib/actions/saga";

describe("planning role steps", () => {
  it("plans a step only when it changes something, so undoing it restores exactly what was there", () => {
    expect(grant(["a"], "u", "a")).toEqual([]);
    expect(grant([], "u", "a")).toEqual([{ kind: "add-role", userId: "u", roleId: "a" }]);
    expect(revoke([], "u", "a")).toEqual([]);
    expect(revoke(["a"], "u", "a")).toEqual([{ kind: "remove-role", userId: "u", roleId: "a" }]);
  });

  it("computes a user's roles after the steps, resolving the created role", () => {
    const steps = [
      { kind: "create-role" as const, name: "T" },
      { kind: "add-role" as const, userId: "u", roleId: createdRole },
      { kind: "remove-role" as const, userId: "u", roleId: "free" },
      { kind: "add-role" as const, userId: "someone-else", roleId: "x" },
    ];
    expect(rolesAfter(["free", "profile"], steps, "u", "new-role").sort()).toEqual(["new-role", "profile"]);
  });
});

describe("tags of adopted teams", () => {
  it.each([
    ["Lagos Lions", "LL"],
    ["Kano", "KANO"],
    ["Royal Accra Hearts of Oak FC", "RAHOO"],
    ["X", "TM"],
  ])("%j -> %j", (name, tag) => {
    expect(tagFromName(name)).toBe(tag);
  });
});
