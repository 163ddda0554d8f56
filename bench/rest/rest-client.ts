/**
 * Benchmark: our Redis-shared Discord REST client against @discordjs/rest,
 * with 1, 2 and 4 processes sharing one bot token, against the local Discord
 * emulator and a private redis-server (both started here).
 *
 *   npx tsx bench/rest/rest-client.ts           full run (about 10 minutes), table saved to bench/results/rest-client.md
 *   npx tsx bench/rest/rest-client.ts --quick   a small run (about a minute), table printed only
 *
 * Scenarios (see `scenarios` below): member-role changes, mixed adds and
 * removes, cold (every call queued at once before any bucket hash is known)
 * and warm (after one call per route taught each client the hash); adds only,
 * for sharing across processes without the cold-start effect; the same mixed
 * changes on Discord's own member-role bucket (10 per 10 s); and the global
 * limit alone. After every member-role run each member's roles are read back
 * from the emulator and compared with what the callers' order must leave.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { z } from "zod";
import { startEmulator, type EmulatorHandle } from "../../emulator/server";
import { startRedisServer } from "../../scripts/redis-server";
import { writeResults } from "../shared/results";
import { startRestWorkers, type RestRunResult, type RestWorker } from "./pool";
import { expectedRoles, globalJobs, mixedRoleJobs, putOnlyRoleJobs, roleMismatches, roleWarmup, type Job } from "./workloads";

type Client = "ours" | "discordjs";
type RoleLimit = { count: number; windowSeconds: number };
type Scenario = {
  name: string;
  start: "cold" | "warm";
  /** Which emulator: member-role bucket scaled 10x faster, or Discord's own. */
  bucket: "scaled" | "discord";
  total: number;
  processCounts: number[];
  jobs(total: number, processes: number): Job[][];
  /** Member-role scenarios: read every member's roles back after the run. */
  checkRoles: boolean;
  minimumMs(total: number): number;
};

const quick = process.argv.includes("--quick");
const command = `npx tsx bench/rest/rest-client.ts${quick ? " --quick" : ""}`;
const clients: Client[] = ["ours", "discordjs"];
const botToken = "emulator-bot-token";
/** Discord's member-role bucket is 10 per 10 s; most rows run it 10x faster so the bench takes minutes. */
const scaledRoleLimit: RoleLimit = { count: 10, windowSeconds: 1 };
const discordRoleLimit: RoleLimit = { count: 10, windowSeconds: 10 };
const globalPerSecond = 50;
/** Time a warm-up of two sequential calls per process may take before the bucket's window, with room to spare. */
const warmupAllowanceMs = 500;
const allProcesses = quick ? [1, 2] : [1, 2, 4];

/** Windows are fixed and open at their first request: n requests need ceil(n / limit) windows, the last one starting (windows - 1) windows in. */
const fixedWindowMinimumMs = (total: number, perWindow: number, windowMs: number) => (Math.ceil(total / perWindow) - 1) * windowMs;
const roleMinimum = (limit: RoleLimit) => (total: number) => fixedWindowMinimumMs(total, limit.count, limit.windowSeconds * 1_000);

const roleTotal = quick ? 20 : 200;
const scenarios: Scenario[] = [
  { name: "member roles, add+remove", start: "cold", bucket: "scaled", total: roleTotal, processCounts: allProcesses, jobs: mixedRoleJobs, checkRoles: true, minimumMs: roleMinimum(scaledRoleLimit) },
  { name: "member roles, add+remove", start: "warm", bucket: "scaled", total: roleTotal, processCounts: allProcesses, jobs: mixedRoleJobs, checkRoles: true, minimumMs: roleMinimum(scaledRoleLimit) },
  { name: "member roles, add only", start: "cold", bucket: "scaled", total: roleTotal, processCounts: allProcesses, jobs: putOnlyRoleJobs, checkRoles: true, minimumMs: roleMinimum(scaledRoleLimit) },
  {
    name: "member roles, add+remove, Discord's bucket",
    start: "warm",
    bucket: "discord",
    // Three windows of Discord's bucket (20 s at the least); one window (no wait) in a quick run.
    total: quick ? 10 : 30,
    processCounts: quick ? [1] : [1, 2],
    jobs: mixedRoleJobs,
    checkRoles: true,
    minimumMs: roleMinimum(discordRoleLimit),
  },
  {
    name: "global limit (100 guilds)",
    start: "cold",
    bucket: "scaled",
    total: quick ? 100 : 1_000,
    processCounts: allProcesses,
    jobs: globalJobs,
    checkRoles: false,
    minimumMs: (total) => fixedWindowMinimumMs(total, globalPerSecond, 1_000),
  },
];

type Row = {
  scenario: Scenario;
  client: Client;
  processes: number;
  requests: number;
  rateLimited: number;
  invalid: number;
  wallMs: number;
  minimumMs: number;
  failed: number;
  errors: string;
  /** null: not a member-role run. */
  misordered: number | null;
};

const emulatorStats = z.object({ rateLimited: z.number(), invalid: z.number() });
const personas = z.object({ personas: z.array(z.object({ id: z.string(), roles: z.array(z.string()) })) });

async function controlGet<T>(url: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return schema.parse(await response.json());
}

/** Every member's roles as the emulator holds them, from its control API (no bot token, no rate limit). */
async function rolesByMember(emulatorUrl: string): Promise<Map<string, string[]>> {
  const { personas: list } = await controlGet(`${emulatorUrl}/__emulator/personas?all=1`, personas);
  return new Map(list.map((persona) => [persona.id, persona.roles]));
}

type Setup = { emulators: Record<Scenario["bucket"], EmulatorHandle>; admin: Redis; redisUrl: string; workers: RestWorker[] };

async function runOne(setup: Setup, scenario: Scenario, client: Client, processes: number, keyPrefix: string): Promise<Row> {
  const emulator = setup.emulators[scenario.bucket];
  const lists = scenario.jobs(scenario.total, processes);
  emulator.reset();
  await setup.admin.flushdb();
  const windowMs = (scenario.bucket === "discord" ? discordRoleLimit : scaledRoleLimit).windowSeconds * 1_000;
  // Warm: the clock starts once the warm-up calls' window has closed, so the measured run has the whole bucket.
  const warm = scenario.start === "warm";
  const startAt = Date.now() + (warm ? warmupAllowanceMs + windowMs : 0);
  const results: RestRunResult[] = await Promise.all(
    setup.workers.slice(0, processes).map((worker, index) => {
      const jobs = lists[index] ?? [];
      return worker.run({
        client,
        apiBase: `${emulator.url}/api/v10`,
        botToken,
        redisUrl: setup.redisUrl,
        keyPrefix,
        jobs,
        deadlineMs: 600_000,
        // Cold: every process starts on receipt (IPC takes a millisecond or so).
        ...(warm ? { warmup: roleWarmup(jobs), startAt } : {}),
      });
    }),
  );
  const wallMs = Date.now() - startAt;
  const late = Math.max(...results.map((result) => result.startedLateMs));
  if (late > 0) throw new Error(`a warm-up overran the start by ${late} ms; raise warmupAllowanceMs`);
  if (results.some((result) => result.warmupFailed > 0)) throw new Error("a warm-up call failed");
  const seen = await controlGet(`${emulator.url}/__emulator/stats`, emulatorStats);
  const errors = new Map<string, number>();
  for (const result of results) for (const [name, count] of Object.entries(result.errors)) errors.set(name, (errors.get(name) ?? 0) + count);
  const total = lists.reduce((sum, list) => sum + list.length, 0);
  return {
    scenario,
    client,
    processes,
    requests: total,
    rateLimited: seen.rateLimited,
    invalid: seen.invalid,
    wallMs,
    minimumMs: scenario.minimumMs(total),
    failed: results.reduce((sum, result) => sum + result.failed, 0),
    errors: [...errors].map(([name, count]) => `${count}x ${name}`).join(", "),
    misordered: scenario.checkRoles ? roleMismatches(expectedRoles(lists), await rolesByMember(emulator.url)).length : null,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "safa-bench-rest-"));
  const redisServer = await startRedisServer({ dataDir });
  const startFor = (roleLimit: RoleLimit) =>
    startEmulator({
      port: 0,
      globalLimitPerSecond: globalPerSecond,
      routeLimits: {
        "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roleLimit,
        "GET /guilds/:guild_id/roles": { count: 1_000, windowSeconds: 1 },
      },
    });
  const emulators = { scaled: await startFor(scaledRoleLimit), discord: await startFor(discordRoleLimit) };
  const admin = new Redis(redisServer.url);
  const workers = await startRestWorkers(Math.max(...allProcesses));
  const setup: Setup = { emulators, admin, redisUrl: redisServer.url, workers };
  const rows: Row[] = [];
  try {
    for (const scenario of scenarios) {
      for (const client of clients) {
        for (const processes of scenario.processCounts) {
          const row = await runOne(setup, scenario, client, processes, `bench:${rows.length}:`);
          rows.push(row);
          console.error(
            `${scenario.name} | ${scenario.start} | ${client} | ${processes} proc: ${row.rateLimited} 429s, ${(row.wallMs / 1_000).toFixed(2)} s (${ratio(row)}x), failed ${row.failed}, misordered ${row.misordered ?? "-"}`,
          );
        }
      }
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    admin.disconnect();
    await emulators.scaled.close();
    await emulators.discord.close();
    await redisServer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const lines = render(rows);
  console.log(lines.join("\n"));
  if (!quick) console.error(`written to ${writeResults("rest-client.md", "Discord REST client: ours (Redis-shared) vs @discordjs/rest", command, lines)}`);
}

const ratio = (row: Row) => (row.minimumMs > 0 ? (row.wallMs / row.minimumMs).toFixed(3) : "-");

function render(rows: Row[]): string[] {
  const lines = [
    `Emulator limits: member-role bucket (PUT and DELETE share it) ${scaledRoleLimit.count} per ${scaledRoleLimit.windowSeconds} s, Discord's 10 per 10 s scaled 10x faster, except the "Discord's bucket" rows, which run it at ${discordRoleLimit.count} per ${discordRoleLimit.windowSeconds} s; ` +
      `global ${globalPerSecond}/s per bot token; fixed windows opened by the first request. ` +
      `"min" is the fastest the limits allow: (ceil(requests / limit) - 1) windows. "429s" and "invalid" are counted by the emulator. ` +
      `"cold": every call queued at once before either client knows a bucket hash. "warm": each process first sends one add and one remove (one call per route, awaited, with the same client instance), the clock starts once that window has closed. ` +
      `"misordered": member-roles whose final state (read from the emulator) differs from what the last call the caller gave on them says; each member-role belongs to one process, so the order is one caller's. ` +
      `The ratio to the minimum of a 1 s window does not carry over to Discord's 10 s window: a client's fixed costs (a reset margin, a round trip per window) shrink against 10 s, and a 429 costs up to a whole 10 s window. ` +
      `Node ${process.version}${quick ? ", quick run" : ""}.`,
    "",
    "| scenario | start | client | processes | requests | 429s | invalid | wall (s) | min (s) | wall / min | failed | misordered |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario.name} | ${row.scenario.start} | ${row.client === "ours" ? "ours" : "@discordjs/rest"} | ${row.processes} | ${row.requests} | ${row.rateLimited} | ${row.invalid} | ${(row.wallMs / 1_000).toFixed(2)} | ${(row.minimumMs / 1_000).toFixed(0)} | ${ratio(row)} | ${row.failed === 0 ? "0" : `${row.failed} (${row.errors})`} | ${row.misordered ?? "-"} |`,
    );
  }
  return lines;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
