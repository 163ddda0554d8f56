/**
 * Benchmark: our Redis-shared Discord REST client against @discordjs/rest,
 * with 1, 2 and 4 processes sharing one bot token, against the local Discord
 * emulator and a private redis-server (both started here).
 *
 *   npx tsx bench/rest/rest-client.ts           full run (about 5 minutes), table saved to bench/results/rest-client.md
 *   npx tsx bench/rest/rest-client.ts --quick   a small run (under a minute), table printed only
 *
 * Scenario 1 (one bucket): every process adds and removes roles of members of
 * one guild until the changes are done; all share one member-role bucket.
 * Scenario 2 (global limit): GET /guilds/{id}/roles over 100 guilds; the
 * emulator knows one guild and answers the other 99 with 404 Unknown Guild
 * (not an invalid request on Discord), and the route limit is raised so only
 * the global limit binds.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { startEmulator } from "../../emulator/server";
import { startRedisServer } from "../../scripts/redis-server";
import { startRestWorkers, type RestRunResult } from "./pool";

type Client = "ours" | "discordjs";
type Job = { method: "GET" | "PUT" | "DELETE"; path: string };
type Scenario = { name: string; total: number; jobs(total: number): Job[]; minimumMs(total: number): number };

const quick = process.argv.includes("--quick");
const processCounts = [1, 2, 4];
const clients: Client[] = ["ours", "discordjs"];
const botToken = "emulator-bot-token";
const guildId = "1100000000000000001";
const memberIds = Array.from({ length: 7 }, (_, i) => String(1_200_000_000_000_000_002n + BigInt(i)));
const roleIds = ["1100000000000000101", "1100000000000000102", "1100000000000000103", "1100000000000000104", "1100000000000000105"];
/** Discord's member-role bucket is 10 per 10 s; the bench runs it 10x faster and reports the ratio to the minimum. */
const roleLimit = { count: 10, windowSeconds: 1 };
const globalPerSecond = 50;

/** Change i adds (even) or removes (odd) one role; consecutive pairs touch the same member and role. */
function roleJobs(total: number): Job[] {
  return Array.from({ length: total }, (_, i) => {
    const pair = Math.floor(i / 2);
    const member = memberIds[pair % memberIds.length] ?? "";
    const role = roleIds[Math.floor(pair / memberIds.length) % roleIds.length] ?? "";
    return { method: i % 2 === 0 ? "PUT" : "DELETE", path: `/guilds/${guildId}/members/${member}/roles/${role}` };
  });
}

function globalJobs(total: number): Job[] {
  const guilds = [guildId, ...Array.from({ length: 99 }, (_, i) => String(1_100_000_000_000_010_000n + BigInt(i)))];
  return Array.from({ length: total }, (_, i) => ({ method: "GET", path: `/guilds/${guilds[i % guilds.length] ?? guildId}/roles` }));
}

/** Windows are fixed and open at their first request: n requests need ceil(n / limit) windows, the last one starting (windows - 1) windows in. */
const fixedWindowMinimumMs = (total: number, perWindow: number, windowMs: number) => (Math.ceil(total / perWindow) - 1) * windowMs;

const scenarios: Scenario[] = [
  {
    name: "one bucket (member roles)",
    total: quick ? 30 : 200,
    jobs: roleJobs,
    minimumMs: (total) => fixedWindowMinimumMs(total, roleLimit.count, roleLimit.windowSeconds * 1_000),
  },
  {
    name: "global limit (100 guilds)",
    total: quick ? 150 : 1_000,
    jobs: globalJobs,
    minimumMs: (total) => fixedWindowMinimumMs(total, globalPerSecond, 1_000),
  },
];

/** Process p of n takes a contiguous share, so a member's add stays before its remove within one process. */
function share<T>(items: T[], index: number, of: number): T[] {
  const size = Math.ceil(items.length / of);
  return items.slice(index * size, (index + 1) * size);
}

type Row = { scenario: string; client: Client; processes: number; requests: number; rateLimited: number; invalid: number; wallMs: number; minimumMs: number; failed: number; errors: string };

const stats = async (url: string) => (await (await fetch(`${url}/__emulator/stats`)).json()) as { rateLimited: number; invalid: number };

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "safa-bench-rest-"));
  const redisServer = await startRedisServer({ dataDir });
  const emulator = await startEmulator({
    port: 0,
    globalLimitPerSecond: globalPerSecond,
    routeLimits: {
      "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roleLimit,
      "GET /guilds/:guild_id/roles": { count: 1_000, windowSeconds: 1 },
    },
  });
  const admin = new Redis(redisServer.url);
  const workers = await startRestWorkers(Math.max(...processCounts));
  const rows: Row[] = [];
  try {
    for (const scenario of scenarios) {
      const jobs = scenario.jobs(scenario.total);
      for (const client of clients) {
        for (const processes of processCounts) {
          emulator.reset();
          await admin.flushdb();
          const started = performance.now();
          const results: RestRunResult[] = await Promise.all(
            workers.slice(0, processes).map((worker, index) =>
              worker.run({
                client,
                apiBase: `${emulator.url}/api/v10`,
                botToken,
                redisUrl: redisServer.url,
                keyPrefix: `bench:${rows.length}:`,
                jobs: share(jobs, index, processes),
                deadlineMs: 600_000,
              }),
            ),
          );
          const wallMs = performance.now() - started;
          const seen = await stats(emulator.url);
          const errors = new Map<string, number>();
          for (const result of results) for (const [name, count] of Object.entries(result.errors)) errors.set(name, (errors.get(name) ?? 0) + count);
          const row: Row = {
            scenario: scenario.name,
            client,
            processes,
            requests: jobs.length,
            rateLimited: seen.rateLimited,
            invalid: seen.invalid,
            wallMs,
            minimumMs: scenario.minimumMs(jobs.length),
            failed: results.reduce((sum, result) => sum + result.failed, 0),
            errors: [...errors].map(([name, count]) => `${count}x ${name}`).join(", "),
          };
          rows.push(row);
          console.error(`${row.scenario} | ${client} | ${processes} proc: ${row.rateLimited} 429s, ${(wallMs / 1_000).toFixed(2)} s (${(wallMs / row.minimumMs).toFixed(3)}x)`);
        }
      }
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    admin.disconnect();
    await emulator.close();
    await redisServer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const table = render(rows);
  console.log(table);
  if (!quick) {
    const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, "rest-client.md"), `${table}\n`);
  }
}

function render(rows: Row[]): string {
  const lines = [
    `## Discord REST client: ours (Redis-shared) vs @discordjs/rest${quick ? " (quick run)" : ""}`,
    "",
    `Emulator limits: member-role bucket ${roleLimit.count} per ${roleLimit.windowSeconds} s (Discord: 10 per 10 s; scaled 10x faster), global ${globalPerSecond}/s per bot token, fixed windows opened by the first request. ` +
      `"min" is the fastest the limits allow: (ceil(requests / limit) - 1) windows. "429s" and "invalid" are counted by the emulator. ` +
      `Scenario 2 spreads GET /guilds/{id}/roles over 100 guilds (99 answer 404 Unknown Guild, which is not an invalid request) with the route limit raised so only the global limit binds. ` +
      `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    "",
    "| scenario | client | processes | requests | 429s | invalid | wall (s) | min (s) | wall / min | failed |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} | ${row.client === "ours" ? "ours" : "@discordjs/rest"} | ${row.processes} | ${row.requests} | ${row.rateLimited} | ${row.invalid} | ${(row.wallMs / 1_000).toFixed(2)} | ${(row.minimumMs / 1_000).toFixed(0)} | ${(row.wallMs / row.minimumMs).toFixed(3)} | ${row.failed === 0 ? "0" : `${row.failed} (${row.errors})`} |`,
    );
  }
  return lines.join("\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
