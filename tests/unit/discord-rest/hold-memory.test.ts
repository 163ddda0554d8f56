import { describe, expect, it } from "vitest";
import { createHoldMemory } from "@/lib/discord/rest/hold-memory";

describe("the holds a process remembers", () => {
  it("hands back the holds not yet over, with the time each has left", () => {
    const memory = createHoldMemory(10);
    memory.remember("ban", "1", 5_000);
    memory.remember("sublimit", "1", 2_000);
    memory.remember("token", "1", 9_000);
    expect(memory.recent(3_000)).toEqual([
      { key: "ban", value: "1", leftMs: 2_000 },
      { key: "token", value: "1", leftMs: 6_000 },
    ]);
  });

  it("forgets a hold at the moment it ends", () => {
    const memory = createHoldMemory(10);
    memory.remember("ban", "1", 1_000);
    expect(memory.recent(999)).toEqual([{ key: "ban", value: "1", leftMs: 1 }]);
    expect(memory.recent(1_000)).toEqual([]);
    expect(memory.recent(0)).toEqual([]);
  });

  it("keeps the later end when a key is remembered twice", () => {
    const memory = createHoldMemory(10);
    memory.remember("ban", "1", 8_000);
    memory.remember("ban", "1", 4_000);
    expect(memory.recent(0)).toEqual([{ key: "ban", value: "1", leftMs: 8_000 }]);
    memory.remember("ban", "1", 9_000);
    expect(memory.recent(0)).toEqual([{ key: "ban", value: "1", leftMs: 9_000 }]);
  });

  it("keeps at most entriesMax, dropping the hold that ends soonest", () => {
    const memory = createHoldMemory(2);
    memory.remember("long", "1", 9_000);
    memory.remember("short", "1", 1_000);
    memory.remember("middle", "1", 5_000);
    expect(memory.recent(0).map((hold) => hold.key).sort()).toEqual(["long", "middle"]);
    memory.remember("shortest", "1", 500);
    expect(memory.recent(0).map((hold) => hold.key).sort()).toEqual(["long", "middle"]);
  });
});
