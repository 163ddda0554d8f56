/**
 * The streams-memory benchmark (npm run bench:streams-memory): one app
 * process (production build) before and after 1,000 live-update streams
 * opened and closed by signed-in members, 100 at a time (then two more rounds of 1,000). The app runs with
 * the inspector on loopback so the bench can force a full GC before each
 * reading; "no leak" means the heap is back to its level before.
 *
 *   npx tsx bench/gateway/streams-memory.ts           writes bench/results/streams-memory.md
 *   npx tsx bench/gateway/streams-memory.ts --quick   40 streams: only proves the bench runs
 */
import { parseArgs } from "node:util";
import { eventKeyspace } from "@/lib/events/keys";
import { findFreePort } from "../../scripts/free-port";
import { createHttpClient } from "../shared/http";
import { mapLimit, sleep } from "../shared/kit";
import { writeResults } from "../shared/results";
import type { CookieUser } from "../shared/users";
import { streamsMemoryProfiles, streamsMemoryTargets, type StreamsMemoryProfile } from "./config";
import { connectInspector, type MemoryUsage } from "./inspector";
import { liveAppBuild, signInMirroredUsers, startAppInstances } from "./live-app";
import { megabytes } from "./mirror";
import { openEventStream } from "./sse";
import { runBench, startMirrorStack } from "./stack";

/** Scrape token of the bench's app process (any 24+ characters; loopback only). */
const metricsToken = "streams-memory-bench-metrics-token";

/** Opens a stream as `user`, waits for its `ready`, holds it, closes it; true when it opened. */
async function openAndClose(url: string, user: CookieUser, holdMs: number): Promise<boolean> {
  let ready: () => void = () => undefined;
  const gotReady = new Promise<void>((done) => (ready = done));
  const stream = openEventStream(`${url}/api/events`, user.cookie, (event) => {
    if (event.event === "ready") ready();
  });
  try {
    await stream.opened;
    await Promise.race([gotReady, sleep(10_000)]);
    await sleep(holdMs);
    return true;
  } catch {
    return false;
  } finally {
    stream.close();
  }
}

async function streamRound(url: string, users: readonly CookieUser[], count: number, profile: StreamsMemoryProfile): Promise<number> {
  const opened = await mapLimit(
    Array.from({ length: count }, (_, index) => index),
    profile.concurrency,
    (index) => openAndClose(url, users[index % users.length] as CookieUser, profile.holdMs),
  );
  return opened.filter(Boolean).length;
}

function heapChange(from: number, to: number): string {
  const delta = to - from;
  return `${delta >= 0 ? "+" : ""}${(delta / 1_024).toFixed(0)} KB`;
}

/** One reading as a table row: the process's memory after a full GC, and the heap's change since the reading before. */
function row(label: string, usage: MemoryUsage, previous: MemoryUsage | null): string {
  const cells = [usage.heapUsed, usage.heapTotal, usage.external, usage.rss].map((bytes) => `${megabytes(bytes)} MB`);
  return `| ${label} | ${cells.join(" | ")} | ${previous ? heapChange(previous.heapUsed, usage.heapUsed) : ""} |`;
}

runBench("streams-memory", 900_000, async (progress, cleanups) => {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const profile = values.quick ? streamsMemoryProfiles.quick : streamsMemoryProfiles.full;
  const stack = await startMirrorStack("streams-memory", progress, cleanups);
  stack.startWorker("gateway-1");
  await stack.waitForStatus((status) => status.live, 30_000);
  const build = await liveAppBuild(stack, progress);
  const users = await signInMirroredUsers(stack, profile.users, "mem");
  const inspectPort = await findFreePort();
  const [instance] = await startAppInstances(stack, build, cleanups, { count: 1, env: { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`, METRICS_TOKEN: metricsToken } });
  if (!instance) throw new Error("the app instance did not start");
  const inspector = await connectInspector(inspectPort);
  cleanups.push(async () => inspector.close());
  const scraper = createHttpClient({ maxSockets: 1, timeoutMs: 10_000 });
  cleanups.push(async () => scraper.close());
  async function openGauge(): Promise<number> {
    const answer = await scraper.get(`${instance?.url}/api/metrics`, { headers: { Authorization: `Bearer ${metricsToken}` } });
    const match = /^safa_event_streams_open (\d+)/m.exec(answer.body);
    return match ? Number(match[1]) : Number.NaN;
  }

  // Warm-up, one stream per member: the route's modules load and compile, and each member's per-user state (session, rate-limit window) comes to exist; neither is a leak.
  const warmup = users.length;
  await streamRound(instance.url, users, warmup, profile);
  await sleep(profile.settleMs);
  const before = await inspector.memoryAfterGc();
  progress(`before: heap ${megabytes(before.heapUsed)} MB, rss ${megabytes(before.rss)} MB; ${profile.rounds} rounds of ${profile.streams} streams, ${profile.concurrency} at a time`);

  // Further rounds tell a one-off growth (caches filling up) from a leak, which grows again by as much each round.
  const readings: { opened: number; roundMs: number; usage: MemoryUsage }[] = [];
  let gauge = Number.NaN;
  let slotsLeft = Number.NaN;
  for (let round = 0; round < profile.rounds; round += 1) {
    const startedAt = Date.now();
    const opened = await streamRound(instance.url, users, profile.streams, profile);
    const roundMs = Date.now() - startedAt;
    await sleep(profile.settleMs);
    readings.push({ opened, roundMs, usage: await inspector.memoryAfterGc() });
    if (round === 0) {
      gauge = await openGauge();
      slotsLeft = (await stack.redis.keys(eventKeyspace().openStreams("*"))).length;
    }
  }
  const first = readings[0];
  if (!first) throw new Error("no round ran");
  const growth = first.usage.heapUsed - before.heapUsed;
  const met = readings.every((reading) => reading.opened === profile.streams) && growth <= streamsMemoryTargets.heapGrowthBytesMax && gauge === 0 && slotsLeft === 0;

  const lines = [
    `One app process (server/main.ts on the production build, ${build.variant}) with the Gateway mirror live; ${users.length} signed-in members open ${profile.streams} live-update streams (GET /api/events), ${profile.concurrency} at a time, each held ${profile.holdMs / 1_000} s after its \`ready\` and then closed by the client; then the same again, ${profile.rounds} rounds in all (${readings.map((reading) => `${reading.opened} opened in ${(reading.roundMs / 1_000).toFixed(0)} s`).join(", ")}).`,
    "",
    "| after a full GC | heap used | heap total | external | RSS | heap change |",
    "| --- | --- | --- | --- | --- | --- |",
    row("before", before, null),
    ...readings.map((reading, index) => row(`after ${((index + 1) * profile.streams).toLocaleString("en-US")} streams`, reading.usage, index === 0 ? before : (readings[index - 1]?.usage ?? null))),
    "",
    `Open streams after the first round (the process's own gauge, safa_event_streams_open): ${gauge}. Users with stream slots left in Redis (${eventKeyspace().openStreams("*")}): ${slotsLeft}.`,
    "",
    `Result: ${met ? `no leak: heap back within ${megabytes(streamsMemoryTargets.heapGrowthBytesMax)} MB of its level before, nothing left open` : "MISSES the target"}.`,
    "",
    `How it is measured: the app process runs with \`--inspect=127.0.0.1:<port>\` (loopback); before each reading the bench asks it, over the DevTools protocol, for two full garbage collections (HeapProfiler.collectGarbage) and then evaluates process.memoryUsage() inside it. "Before" is taken after a warm-up of ${warmup} streams, one per member (the first requests load and compile the route, and each member's per-user state comes to exist) and ${profile.settleMs / 1_000} s of quiet; "after" ${profile.settleMs / 1_000} s after the last close. RSS is shown for completeness: the allocator keeps freed pages, so RSS is not expected to shrink back; the heap is the measure of a leak. The target applies to the first round; the later ones show whether what remains grows with every stream (a leak) or was a one-off.`,
  ];
  console.log(lines.join("\n"));
  if (profile.name === "full") progress(`written to ${writeResults("streams-memory.md", "Streams memory results", "npm run bench:streams-memory", lines)}`);
  if (!met) throw new Error("streams-memory missed its target");
});
