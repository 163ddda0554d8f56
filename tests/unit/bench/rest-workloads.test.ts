import { describe, expect, it } from "vitest";
import { expectedRoles, globalJobs, mixedRoleJobs, putOnlyRoleJobs, roleMismatches, roleWarmup } from "@/bench/rest/workloads";

const memberRole = (path: string) => path.split("/members/")[1]?.replace("/roles/", "/") ?? "";

describe("bench:rest workloads", () => {
  it("splits mixed changes so every member-role belongs to one process, all calls kept", () => {
    for (const processes of [1, 2, 4]) {
      const lists = mixedRoleJobs(200, processes);
      expect(lists).toHaveLength(processes);
      expect(lists.flat()).toHaveLength(200);
      const owner = new Map<string, number>();
      lists.forEach((list, index) => {
        for (const job of list) {
          expect(owner.get(memberRole(job.path)) ?? index).toBe(index);
          owner.set(memberRole(job.path), index);
        }
      });
      expect(owner.size).toBe(35);
    }
  });

  it("interleaves adds and removes and makes half the member-roles end held, half not", () => {
    const [list = []] = mixedRoleJobs(200, 1);
    expect(list.filter((job) => job.method === "PUT")).toHaveLength(100);
    expect(list.slice(0, 4).map((job) => job.method)).toEqual(["PUT", "DELETE", "DELETE", "PUT"]);
    const expected = expectedRoles([list]);
    expect([...expected.values()].filter(Boolean)).toHaveLength(17);
    expect([...expected.values()].filter((held) => !held)).toHaveLength(18);
  });

  it("expects the last call the caller gave on each member-role, and finds swapped pairs either way", () => {
    const [list = []] = mixedRoleJobs(4, 1);
    const expected = expectedRoles([list]);
    // Pair 0 adds then removes role 101 of member 2; pair 1 removes then adds role 101 of member 3.
    expect(expected).toEqual(
      new Map([
        ["1200000000000000002/1100000000000000101", false],
        ["1200000000000000003/1100000000000000101", true],
      ]),
    );
    const inOrder = new Map([["1200000000000000003", ["1100000000000000101"]]]);
    expect(roleMismatches(expected, inOrder)).toEqual([]);
    const bothSwapped = new Map([["1200000000000000002", ["1100000000000000101", "1100000000000000999"]]]);
    expect(roleMismatches(expected, bothSwapped)).toEqual(["1200000000000000002/1100000000000000101", "1200000000000000003/1100000000000000101"]);
  });

  it("adds only, and warms up with one add and one remove of the list's first member-role", () => {
    const lists = putOnlyRoleJobs(70, 2);
    expect(lists.flat().every((job) => job.method === "PUT")).toBe(true);
    expect([...expectedRoles(lists).values()].every(Boolean)).toBe(true);
    const first = lists[1]?.[0]?.path ?? "";
    expect(roleWarmup(lists[1] ?? [])).toEqual([
      { method: "PUT", path: first },
      { method: "DELETE", path: first },
    ]);
    expect(roleWarmup([])).toEqual([]);
  });

  it("splits the global-limit GETs evenly and expects no roles of them", () => {
    const lists = globalJobs(1_000, 4);
    expect(lists.map((list) => list.length)).toEqual([250, 250, 250, 250]);
    expect(expectedRoles(lists).size).toBe(0);
  });
});
