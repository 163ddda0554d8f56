import { describe, expect, it } from "vitest";
import { createInvalidMemory } from "@/lib/discord/rest/invalid-memory";

describe("the invalid requests a process remembers", () => {
  it("hands back the entries still in the window with their ages, oldest first", () => {
    const memory = createInvalidMemory(10_000, 100);
    memory.record("a", 1_000);
    memory.record("b", 5_000);
    memory.record("c", 9_000);
    expect(memory.recent(12_000)).toEqual([
      { member: "b", ageMs: 7_000 },
      { member: "c", ageMs: 3_000 },
    ]);
  });

  it("keeps at most entriesMax, dropping the oldest", () => {
    const memory = createInvalidMemory(60_000, 2);
    for (const [index, member] of ["a", "b", "c"].entries()) memory.record(member, 1_000 + index);
    expect(memory.recent(2_000).map((entry) => entry.member)).toEqual(["b", "c"]);
  });

  it("forgets everything once the window has passed", () => {
    const memory = createInvalidMemory(1_000, 10);
    memory.record("a", 0);
    expect(memory.recent(1_000)).toEqual([]);
  });
});
