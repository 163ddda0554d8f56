import { describe, expect, it } from "vitest";
import { createExpiringKeyMemory } from "@/lib/redis/expiring-keys";

describe("the keys with an expiry a process remembers", () => {
  it("hands back the keys not yet expired, with the time each has left", () => {
    const memory = createExpiringKeyMemory(10);
    memory.remember("ban", "1", 5_000);
    memory.remember("sublimit", "1", 2_000);
    memory.remember("token", "1", 9_000);
    expect(memory.recent(3_000)).toEqual([
      { key: "ban", value: "1", leftMs: 2_000 },
      { key: "token", value: "1", leftMs: 6_000 },
    ]);
    expect(memory.size()).toBe(2);
  });

  it("forgets a key at the moment it expires", () => {
    const memory = createExpiringKeyMemory(10);
    memory.remember("ban", "1", 1_000);
    expect(memory.recent(999)).toEqual([{ key: "ban", value: "1", leftMs: 1 }]);
    expect(memory.recent(1_000)).toEqual([]);
    expect(memory.recent(0)).toEqual([]);
  });

  it("keeps the later end when a key is remembered twice, with the value last set", () => {
    const memory = createExpiringKeyMemory(10);
    memory.remember("lock", "success", 8_000);
    memory.remember("lock", "pacing", 4_000);
    expect(memory.recent(0)).toEqual([{ key: "lock", value: "pacing", leftMs: 8_000 }]);
    memory.remember("lock", "429", 9_000);
    expect(memory.recent(0)).toEqual([{ key: "lock", value: "429", leftMs: 9_000 }]);
  });

  it("keeps at most entriesMax, forgetting the key that expires soonest", () => {
    const memory = createExpiringKeyMemory(2);
    memory.remember("long", "1", 9_000);
    memory.remember("short", "1", 1_000);
    memory.remember("middle", "1", 5_000);
    expect(memory.recent(0).map((entry) => entry.key).sort()).toEqual(["long", "middle"]);
    memory.remember("shortest", "1", 500);
    expect(memory.recent(0).map((entry) => entry.key).sort()).toEqual(["long", "middle"]);
  });

  it("past its bound forgets expired keys before any live one, however many came and went", () => {
    const memory = createExpiringKeyMemory(3);
    memory.remember("live", "1", 60_000);
    // A stream of short locks, each expired long before the next: the live one is never the one forgotten.
    for (let index = 0; index < 100; index += 1) memory.remember(`short-${index}`, "1", 1_000 + index * 10);
    expect(memory.size()).toBe(3);
    expect(memory.recent(30_000)).toEqual([{ key: "live", value: "1", leftMs: 30_000 }]);
  });
});
