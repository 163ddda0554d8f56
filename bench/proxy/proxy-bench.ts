/**
 * Benchmark: discord.py processes sharing the bot token with the dashboard,
 * sent straight to Discord (the emulator) or through the REST proxy (one
 * replica, then two), while the dashboard's own client changes roles too.
 * Then the proxy's added latency on a route with no limit that binds,
 * measured side by side with direct requests in the same run.
 *
 *   npm run bench:proxy              full run (about 2 minutes), saved to bench/results/proxy.md
 *   npm run bench:proxy -- --quick   1 and 2 processes, fewer latency samples; printed only
 *
 * The emulator, a private redis-server and the proxies (`scripts/proxy.ts`,
 * each its own process) are started here; discord.py runs from the venv
 * `discordPyPython` makes (Debian's python3-discord, see scripts/ensure-deps.sh).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { Redis } from "ioredis";
import pino from "pino";
import { startEmulator, type EmulatorHandle } from "../../emulator/server";
import { createDiscordRest, type DiscordRest } from "../../lib/discord/rest/create-discord-rest";
import { findFreePort } from "../../scripts/free-port";
import { startRedisServer } from "../../scripts/redis-server";
import { cleanupStack, sleep } from "../shared/kit";
import { spawnTs, untilAnswering, type Child } from "../shared/processes";
import { writeResults } from "../shared/results";
import { percentile } from "../shared/stats";
import { discordPyClientPath, discordPyPython } from "./discordpy";

type Job = { method: "PUT" | "DELETE"; path: `/${string}` };
type Mode = { name: string; replicas: number };
type Row = { mode: string; processes: number; requests: number; rateLimited: number; invalid: number; wallMs: number; minimumMs: number; failed: number; misordered: number };

const quick = process.argv.includes("--quick");
const processCounts = quick ? [1, 2] : [1, 2, 4];
const modes: Mode[] = [
  { name: "direct", replicas: 0 },
  { name: "proxy, 1 replica", replicas: 1 },
  { name: "proxy, 2 replicas", replicas: 2 },
];
const botToken = "emulator-bot-token";
const guildId = "1100000000000000001";
/** Members the pairs touch, made after each row's reset (`POST /__emulator/users`): enough that every pair has a member-role of its own. */
let memberIds: string[] = [];
const roleIds = ["1100000000000000101", "1100000000000000102", "1100000000000000103", "1100000000000000104", "1100000000000000105"];
/** Discord's member-role bucket is 10 per 10 s; scaled 10x faster so a run takes seconds. */
const roleLimit = { count: 10, windowSeconds: 1 };
const globalPerSecond = 50;
/**
 * Member-role pairs from discord.py (each pair touches its own member and role); the dashboard adds 5.
 * 150 pairs make 31 windows: discord.py's own pacing costs it about one window per run, so a short run
 * measures that constant rather than the pace it keeps.
 */
const botPairs = quick ? 30 : Number(process.argv.find((arg) => arg.startsWith("--pairs="))?.slice("--pairs=".length) ?? 150);
const dashboardPairs = 5;
const latencySamples = quick ? 100 : 400;
/** Time for a discord.py process to start and log in on this machine, with room to spare. */
const pythonStartupMs = 4_000;

/** Pair k adds then removes role k / 7 of member k % 7: a member-role ends without the role only if the add came first. */
function pairJobs(from: number, count: number): Job[] {
  return Array.from({ length: count }, (_, i) => {
    const k = from + i;
    const path = `/guilds/${guildId}/members/${memberIds[k % memberIds.length] ?? ""}/roles/${roleIds[Math.floor(k / memberIds.length) % roleIds.length] ?? ""}` as const;
    return [
      { method: "PUT", path },
      { method: "DELETE", path },
    ] satisfies Job[];
  }).flat();
}

/** Process p of n takes a contiguous share of whole pairs. */
function shareOfPairs(index: number, of: number): Job[] {
  const size = Math.ceil(botPairs / of);
  return pairJobs(index * size, Math.min(size, botPairs - index * size));
}

function runDiscordPy(python: string, base: string, jobs: Job[], startAt: number): Promise<{ statuses: Record<string, number>; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [discordPyClientPath, JSON.stringify({ base, token: botToken, jobs, start_at: startAt })], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || line === "") reject(new Error(`discord.py exited with ${code}: ${err.slice(-1_000)}`));
      else resolve(JSON.parse(line) as { statuses: Record<string, number>; errors: string[] });
    });
  });
}

async function startProxies(count: number, env: Record<string, string>, logDir: string): Promise<{ urls: string[]; children: Child[] }> {
  const children: Child[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const port = await findFreePort();
    const child = spawnTs(`proxy-${i}-${port}`, "scripts/proxy.ts", ["--port", String(port), "--deadline-ms", "60000"], { env: { LOG_LEVEL: "warn", ...env }, logDir });
    children.push(await untilAnswering(child, `http://127.0.0.1:${port}/healthz`, 30_000));
    urls.push(`http://127.0.0.1:${port}`);
  }
  return { urls, children };
}

/** Member-roles the run touched that still hold the role: each is a remove that reached Discord before its add. */
async function misordered(dashboard: DiscordRest): Promise<number> {
  let count = 0;
  for (const memberId of memberIds) {
    const member = await dashboard.get<{ roles: string[] }>(`/guilds/${guildId}/members/${memberId}`, { deadlineMs: 60_000 });
    count += member.roles.filter((role) => roleIds.includes(role)).length;
  }
  return count;
}

/** Adds `count` members to the emulator's guild and answers their ids. */
async function addMembers(emulatorUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const made = await fetch(`${emulatorUrl}/__emulator/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: `bench_pair_${i}` }) });
    if (made.status !== 201) throw new Error(`POST /__emulator/users answered ${made.status}`);
    ids.push(((await made.json()) as { id: string }).id);
  }
  return ids;
}

const stats = async (url: string) => (await (await fetch(`${url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number; invalid: number };

/**
 * A client with no pacing of its own (Node's fetch, every change sent at
 * once), for comparison: discord.py also sleeps out each window it sees
 * exhausted in the headers the proxy passes through, which costs it a window.
 */
async function runPlainHttp(base: string, jobs: Job[], startAt: number): Promise<{ statuses: Record<string, number>; errors: string[] }> {
  await sleep(startAt - Date.now());
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  await Promise.all(
    jobs.map(async (job) => {
      try {
        const response = await fetch(`${base}${job.path}`, { method: job.method, headers: { Authorization: `Bot ${botToken}` } });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      } catch (error) {
        errors.push(String(error));
      }
    }),
  );
  return { statuses, errors };
}

async function runRow(input: { mode: Mode; processes: number; python: string; emulator: EmulatorHandle; redis: Redis; redisUrl: string; logDir: string; plainHttp?: boolean }): Promise<Row> {
  const { mode, processes, emulator } = input;
  input.emulator.reset();
  memberIds = await addMembers(emulator.url, Math.ceil((botPairs + dashboardPairs) / roleIds.length));
  await input.redis.flushdb();
  const apiBase = `${emulator.url}/api/v10`;
  const proxies = await startProxies(mode.replicas, { DISCORD_BOT_TOKEN: botToken, DISCORD_API_BASE: apiBase, REDIS_URL: input.redisUrl }, input.logDir);
  const dashboard = createDiscordRest({ redis: input.redis, botToken, apiBase, globalPerSecond, subscribe: false, logger: pino({ level: "error" }) });
  try {
    const bases = Array.from({ length: processes }, (_, i) => (mode.replicas === 0 ? apiBase : `${proxies.urls[i % mode.replicas] ?? ""}/api/v10`));
    const dashboardJobs = pairJobs(botPairs, dashboardPairs);
    // Every process starts its jobs at one moment, after Python's start-up and the login; the clock starts then too.
    const startAt = Date.now() + pythonStartupMs;
    const [results] = await Promise.all([
      Promise.all(bases.map((base, i) => (input.plainHttp === true ? runPlainHttp(base, shareOfPairs(i, processes), startAt) : runDiscordPy(input.python, base, shareOfPairs(i, processes), startAt)))),
      (async () => {
        await sleep(startAt - Date.now());
        for (const job of dashboardJobs) await dashboard.request(job.method, job.path, { deadlineMs: 120_000 }).catch(() => undefined);
      })(),
    ]);
    const wallMs = Date.now() - startAt;
    const seen = await stats(emulator.url);
    const requests = botPairs * 2 + dashboardJobs.length;
    const failed = results.reduce((sum, result) => sum + result.errors.length + Object.entries(result.statuses).filter(([status]) => Number(status) >= 300).reduce((n, [, c]) => n + c, 0), 0);
    return {
      mode: input.plainHttp === true ? `${mode.name} (plain HTTP client, no pacing of its own)` : mode.name,
      processes,
      requests,
      rateLimited: seen.rateLimited,
      invalid: seen.invalid,
      wallMs,
      minimumMs: (Math.ceil(requests / roleLimit.count) - 1) * roleLimit.windowSeconds * 1_000,
      failed,
      misordered: await misordered(dashboard),
    };
  } finally {
    await dashboard.close();
    await Promise.all(proxies.children.map((child) => child.stop()));
  }
}

/** Direct and proxied requests alternate on one route whose limits do not bind, so both see the same machine load. */
async function measureLatency(redisUrl: string, logDir: string): Promise<{ directP50: number; proxyP50: number; directP90: number; proxyP90: number }> {
  const emulator = await startEmulator({ port: 0, globalLimitPerSecond: 1_000_000, routeLimits: { "GET /guilds/:guild_id/roles": { count: 1_000_000, windowSeconds: 1 } } });
  const proxies = await startProxies(1, { DISCORD_BOT_TOKEN: botToken, DISCORD_API_BASE: `${emulator.url}/api/v10`, REDIS_URL: redisUrl, DISCORD_GLOBAL_LIMIT_PER_SECOND: "10000" }, logDir);
  const direct: number[] = [];
  const proxied: number[] = [];
  const time = async (url: string): Promise<number> => {
    const started = performance.now();
    const response = await fetch(url, { headers: { Authorization: `Bot ${botToken}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`latency probe answered ${response.status}`);
    return performance.now() - started;
  };
  try {
    const path = `/api/v10/guilds/${guildId}/roles`;
    for (let i = 0; i < latencySamples + 20; i += 1) {
      const d = await time(`${emulator.url}${path}`);
      const p = await time(`${proxies.urls[0] ?? ""}${path}`);
      // The first 20 of each warm up connections, the JIT and the learned bucket.
      if (i >= 20) {
        direct.push(d);
        proxied.push(p);
      }
    }
  } finally {
    await Promise.all(proxies.children.map((child) => child.stop()));
    await emulator.close();
  }
  return { directP50: percentile(direct, 50), proxyP50: percentile(proxied, 50), directP90: percentile(direct, 90), proxyP90: percentile(proxied, 90) };
}

async function main(): Promise<void> {
  const found = await discordPyPython();
  if (!("python" in found)) throw new Error(`discord.py is not available: ${found.missing}`);
  const cleanup = cleanupStack();
  const dataDir = mkdtempSync(join(tmpdir(), "safa-bench-proxy-"));
  cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const redisServer = await startRedisServer({ dataDir });
  cleanup.push(() => redisServer.stop());
  const emulator = await startEmulator({ port: 0, globalLimitPerSecond: globalPerSecond, routeLimits: { "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roleLimit } });
  cleanup.push(() => emulator.close());
  const redis = new Redis(redisServer.url);
  cleanup.push(async () => redis.disconnect());
  const rows: Row[] = [];
  let latency;
  try {
    for (const mode of modes) {
      for (const processes of processCounts) {
        const row = await runRow({ mode, processes, python: found.python, emulator, redis, redisUrl: redisServer.url, logDir: dataDir });
        rows.push(row);
        console.error(`${row.mode} | ${processes} proc: ${row.rateLimited} 429s, ${(row.wallMs / 1_000).toFixed(2)} s (${(row.wallMs / row.minimumMs).toFixed(3)}x), failed ${row.failed}, misordered ${row.misordered}`);
      }
    }
    const plain = await runRow({ mode: { name: "proxy, 1 replica", replicas: 1 }, processes: 1, python: found.python, emulator, redis, redisUrl: redisServer.url, logDir: dataDir, plainHttp: true });
    rows.push(plain);
    console.error(`${plain.mode}: ${plain.rateLimited} 429s, ${(plain.wallMs / 1_000).toFixed(2)} s (${(plain.wallMs / plain.minimumMs).toFixed(3)}x)`);
    latency = await measureLatency(redisServer.url, dataDir);
  } finally {
    await cleanup.run();
  }
  const lines = render(rows, latency);
  console.log(lines.join("\n"));
  if (!quick) console.error(`saved to ${writeResults("proxy.md", "Discord REST proxy: discord.py beside the dashboard", "npm run bench:proxy", lines)}`);
}

function render(rows: Row[], latency: Awaited<ReturnType<typeof measureLatency>>): string[] {
  return [
    `Emulator limits: member-role bucket ${roleLimit.count} per ${roleLimit.windowSeconds} s (Discord: 10 per 10 s, scaled 10x faster), global ${globalPerSecond}/s per bot token. ` +
      `Each run: ${botPairs} add-then-remove pairs from discord.py ${discordPyVersionNote}, split by whole pairs over the processes and sent at once (asyncio.gather), while the dashboard's client makes ${dashboardPairs} pairs of its own, one change at a time. ` +
      `The clock starts when every process has started and logged in. "min" is the fastest the bucket allows, (ceil(requests / 10) - 1) windows; "429s" and "invalid" are counted by the emulator; "failed" are discord.py calls that ended in an error; ` +
      `"misordered" counts member-roles still held after the run (a remove that reached Discord before its add). ` +
      `discord.py paces itself as well: once it has learned the bucket from the headers the proxy passes through, it sleeps out every window it sees exhausted, which costs it about one window per run; the last row sends the same changes from Node's fetch with no pacing of its own. Node ${process.version}${quick ? ", quick run" : ""}.`,
    "",
    "| discord.py sent | processes | requests | 429s | invalid | wall (s) | min (s) | wall / min | failed | misordered |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (row) =>
        `| ${row.mode} | ${row.processes} | ${row.requests} | ${row.rateLimited} | ${row.invalid} | ${(row.wallMs / 1_000).toFixed(2)} | ${(row.minimumMs / 1_000).toFixed(0)} | ${(row.wallMs / row.minimumMs).toFixed(3)} | ${row.failed} | ${row.misordered} |`,
    ),
    "",
    `Added latency on an unlimited route (GET /guilds/{id}/roles, limits raised out of reach), ${latencySamples} sequential requests each, direct and through one proxy replica alternating: ` +
      `p50 ${latency.directP50.toFixed(2)} ms direct, ${latency.proxyP50.toFixed(2)} ms through the proxy (+${(latency.proxyP50 - latency.directP50).toFixed(2)} ms); ` +
      `p90 ${latency.directP90.toFixed(2)} ms direct, ${latency.proxyP90.toFixed(2)} ms through the proxy.`,
  ];
}

/** discord.py treats a 429 without a `Via` header as a Cloudflare ban and raises; Discord's (and the emulator's) carry one, so it waits and retries. */
const discordPyVersionNote = "(Debian's 2.2.2; on a 429 it waits `retry_after` and retries, as it does on Discord)";

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
