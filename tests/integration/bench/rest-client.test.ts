import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/**
 * The bench end to end (about 50 s): its rows, and the figures that do not
 * depend on timing. Our client shares one bucket state through Redis, so
 * once it knows the bucket it takes no 429, alone or beside another process.
 */
describe("rest-client bench, --quick", () => {
  it(
    "prints a row per scenario, start, client and process count, reads roles back, and ours takes no 429 once warm, with adds only or on the global limit",
    async () => {
      const { stdout } = await run("npx", ["tsx", "bench/rest/rest-client.ts", "--quick"], { timeout: 170_000, maxBuffer: 4 * 1024 * 1024 });
      const rows = stdout
        .split("\n")
        .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
        .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
      expect(rows[0]).toEqual(["scenario", "start", "client", "processes", "requests", "429s", "invalid", "wall (s)", "min (s)", "wall / min", "failed", "misordered"]);
      const body = rows.slice(1);
      const keys = body.map(([scenario, start, client, processes]) => `${scenario} | ${start} | ${client} | ${processes}`);
      expect(keys).toEqual([
        ...["member roles, add+remove | cold", "member roles, add+remove | warm", "member roles, add only | cold"].flatMap((s) => [`${s} | ours | 1`, `${s} | ours | 2`, `${s} | @discordjs/rest | 1`, `${s} | @discordjs/rest | 2`]),
        "member roles, add+remove, Discord's bucket | warm | ours | 1",
        "member roles, add+remove, Discord's bucket | warm | @discordjs/rest | 1",
        "global limit (100 guilds) | cold | ours | 1",
        "global limit (100 guilds) | cold | ours | 2",
        "global limit (100 guilds) | cold | @discordjs/rest | 1",
        "global limit (100 guilds) | cold | @discordjs/rest | 2",
      ]);
      for (const row of body) {
        expect(row[10]).toBe("0");
        expect(row[11]).toMatch(row[0]?.startsWith("global") ? /^-$/ : /^\d+$/);
      }
      // Offending rows are listed whole, so a failure shows which run it was.
      const oursKnowing = body.filter((row) => row[2] === "ours" && (row[1] === "warm" || row[0] === "member roles, add only" || row[0]?.startsWith("global")));
      expect(oursKnowing.filter((row) => row[5] !== "0")).toEqual([]);
      // Warm, one process: @discordjs/rest sends one call of a bucket at a time, so the read-back must find every change in order.
      expect(body.filter((row) => row[1] === "warm" && row[2] === "@discordjs/rest" && row[3] === "1" && row[11] !== "0")).toEqual([]);
      expect(stdout).toMatch(/does not carry over to Discord's 10 s window/);
    },
    180_000,
  );
});
