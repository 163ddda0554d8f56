import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Only that the bench runs end to end (its own checks pass, so it exits 0) and prints its table: figures are the bench's business. */
describe("load-test bench, --quick", () => {
  it(
    "exits 0 (its own checks passed) and prints its request table",
    async () => {
      const { stdout } = await run("npx", ["tsx", "bench/load/load-test.ts", "--quick"], { timeout: 560_000, maxBuffer: 8 * 1024 * 1024 });
      const rows = stdout.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| ---"));
      expect(rows[0]).toMatch(/^\| requests \| count \| 2xx \| 4xx \| 5xx \| no answer \| p50 ms \| p95 ms \| p99 ms \| max ms \|/);
      expect(rows.map((row) => row.split("|")[1]?.trim())).toEqual([
        "requests",
        "page loads (GET /)",
        "focus refetches (GET /api/roles)",
        "team reads (GET /api/teams, /mine)",
        "pool reads (GET /api/pool, filtered or not)",
        "team, profile, pool and offer actions",
        "all",
      ]);
    },
    570_000,
  );
});
