import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** The figure column of a bench's table (first cell of each data row). */
async function figuresOf(bench: string): Promise<string[]> {
  const { stdout } = await run("npx", ["tsx", `bench/gateway/${bench}.ts`, "--quick"], { timeout: 170_000, maxBuffer: 4 * 1024 * 1024 });
  // The checks, not the timing: a --quick run on a busy machine judges no figure.
  expect(stdout).toMatch(/^Checks: passed /m);
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .map((line) => line.split("|")[1]?.trim() ?? "");
}

/**
 * Only that the live-mirror benches without an app build run end to end: each
 * exits 0 when its own checks pass (the mirror equals the emulator, no change
 * lost, no member lookup) and prints its table. Figures are the bench's business.
 */
describe("live-mirror benches, --quick", () => {
  it(
    "mirror-sync mirrors a guild from a cold start and reports time and memory",
    async () => {
      const figures = await figuresOf("mirror-sync");
      expect(figures.slice(0, 3)).toEqual(["figure", "worker spawn to mirror live", expect.stringMatching(/^of which the resync itself/)]);
      expect(figures).toContain("Redis used_memory delta");
    },
    180_000,
  );

  it(
    "failover kills the leader mid-stream and reports the recovery and the changes lost",
    async () => {
      const figures = await figuresOf("failover");
      expect(figures[1]).toBe("kill to the first change applied after it");
      expect(figures).toContain("changes lost (guild members whose mirrored roles differ from the emulator's at the end)");
    },
    180_000,
  );

  it(
    "roles-live runs the focus storm on the live mirror and counts the member lookups",
    async () => {
      const figures = await figuresOf("roles-live");
      expect(figures[1]).toBe("member lookups at Discord (GET /users/@me/guilds/:guild_id/member)");
      expect(figures).toContain("oldest roles served, behind the emulator");
    },
    180_000,
  );
});
