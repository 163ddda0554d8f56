import { describe, expect, it } from "vitest";
import { createDirectory } from "../../../emulator/state";

const role = { name: "Team", color: 0, hoist: false, mentionable: true, permissions: "0" };

function mint(directory: ReturnType<typeof createDirectory>, round: number): string[] {
  return [directory.createRole(role).id, directory.createUser({ username: `user_${round}`, roles: [], member: true }).id];
}

/**
 * New roles and users get ids the way Discord mints snowflakes: never the
 * same twice, not after a reset nor in another emulator, so a Redis that
 * outlives the emulator (the e2e stack's) never sees an old id come back.
 */
describe("emulator ids of new roles and users", () => {
  it("are never handed out twice, across resets and emulators", () => {
    const first = createDirectory(() => Date.now());
    const ids = [...mint(first, 0), ...mint(first, 1)];
    first.reset();
    ids.push(...mint(first, 2));
    const restarted = createDirectory(() => Date.now());
    ids.push(...mint(restarted, 3));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\d{17,20}$/);
  });

  it("carry the time they were made, as Discord's do", () => {
    // Later than any id minted so far in this process: ids only grow.
    const now = Date.now() + 3_600_000;
    const [roleId] = mint(createDirectory(() => now), 0);
    const madeAt = Number((BigInt(roleId ?? "0") >> 22n) + 1_420_070_400_000n);
    expect(madeAt).toBeGreaterThanOrEqual(now);
    expect(madeAt - now).toBeLessThan(1_000);
  });

  it("stay unique under a clock that stands still", () => {
    const directory = createDirectory(() => 0);
    const ids = [...mint(directory, 0), ...mint(directory, 1)];
    directory.reset();
    ids.push(...mint(directory, 2));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
