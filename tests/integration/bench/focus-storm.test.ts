import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Only that the bench runs end to end and prints its table: figures are the bench's business, not a test's. */
describe("focus-storm bench, --quick", () => {
  it(
    "exits 0 and prints one table with a row per strategy and the floor line",
    async () => {
      const { stdout } = await run("npx", ["tsx", "bench/roles/focus-storm.ts", "--quick"], { timeout: 290_000, maxBuffer: 4 * 1024 * 1024 });
      const rows = stdout.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| ---"));
      expect(rows[0]).toMatch(/^\| strategy \| Discord calls \| 429s \| max age s \| p99 age s \| API p50 ms \| API p99 ms \|/);
      const strategies = rows.slice(1).map((row) => row.split("|")[1]?.trim().split(" ")[0]);
      expect(strategies).toEqual(["none", "safa", "ours"]);
      expect(stdout).toMatch(/^Floor: /m);
    },
    300_000,
  );
});
