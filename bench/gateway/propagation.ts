/**
 * The propagation benchmark (npm run bench:propagation): 200 signed-in
 * guild members, each with a live-update stream open (GET /api/events as
 * a tab opens it) on one of two app instances; 500 role changes made at the
 * emulator, by a moderator through the control API and by the bot through
 * REST, mixed. Measured: from the moment a change is sent to the emulator
 * to the moment its `roles` event reaches the member's tab (the Gateway
 * event, the worker's mirror write, the notice, the stream's push).
 *
 *   npx tsx bench/gateway/propagation.ts           writes bench/results/propagation.md
 *   npx tsx bench/gateway/propagation.ts --quick   10 users, 20 changes: only proves the bench runs
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { z } from "zod";
import { mapLimit, sleep } from "../shared/kit";
import { writeResults } from "../shared/results";
import { maximum, percentile } from "../shared/stats";
import { streamChanges } from "./change-stream";
import { toggledRole, type RoleChange } from "./changes";
import { propagationProfiles, propagationTargets } from "./config";
import { liveAppBuild, signInMirroredUsers, startAppInstances } from "./live-app";
import { openEventStream, type EventStream } from "./sse";
import { runBench, startMirrorStack } from "./stack";

const rolesEvent = z.object({ roles: z.array(z.string()) });

type Seen = { at: number; hasRole: boolean };

/** The first `roles` event of the member after the change was sent that shows it, if any. */
function deliveryOf(change: RoleChange, seen: readonly Seen[]): Seen | undefined {
  return seen.find((event) => event.at >= change.sentAt && event.hasRole === change.hasRole);
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(3)} s`;
}

runBench("propagation", 900_000, async (progress, cleanups) => {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const profile = values.quick ? propagationProfiles.quick : propagationProfiles.full;
  const stack = await startMirrorStack("propagation", progress, cleanups);
  stack.startWorker("gateway-1");
  await stack.waitForStatus((status) => status.live, 30_000);
  const build = await liveAppBuild(stack, progress);
  progress(`app build: ${build.variant}${build.reused ? " (reused)" : ""}`);
  const users = await signInMirroredUsers(stack, profile.users, "prop");
  const instances = await startAppInstances(stack, build, cleanups, { count: profile.instances });

  const seen = new Map<string, Seen[]>(users.map((user) => [user.userId, []]));
  const awaiting = new Map<string, RoleChange>();
  let malformed = 0;
  const streams: EventStream[] = await mapLimit(users, 20, async (user) => {
    const instance = instances[user.index % instances.length];
    if (!instance) throw new Error("no app instance");
    let ready: () => void = () => undefined;
    const gotReady = new Promise<void>((done) => (ready = done));
    const stream = openEventStream(`${instance.url}/api/events`, user.cookie, (event) => {
      if (event.event === "ready") return ready();
      if (event.event !== "roles") return;
      const parsed = rolesEvent.safeParse(JSON.parse(event.data));
      if (!parsed.success) return void (malformed += 1);
      const hasRole = parsed.data.roles.includes(toggledRole);
      seen.get(user.userId)?.push({ at: event.receivedAt, hasRole });
      if (awaiting.get(user.userId)?.hasRole === hasRole) awaiting.delete(user.userId);
    });
    cleanups.push(async () => stream.close());
    await stream.opened;
    await gotReady;
    return stream;
  });
  progress(`${streams.length} streams open on ${instances.length} instances; ${profile.changes} changes at ${profile.changesPerSecond}/s`);

  const stream = await streamChanges({
    emulatorUrl: stack.emulatorUrl,
    userIds: users.map((user) => user.userId),
    holds: new Map(),
    count: profile.changes,
    perSecond: profile.changesPerSecond,
    botEvery: profile.botEvery,
    // One change per member at a time, so each event answers exactly one change.
    busy: (userId) => {
      const last = awaiting.get(userId);
      return last !== undefined && performance.now() - last.sentAt < profile.giveUpMs;
    },
    onChange: (change) => {
      if (!deliveryOf(change, seen.get(change.userId) ?? [])) awaiting.set(change.userId, change);
    },
  });
  const waitUntil = performance.now() + profile.giveUpMs;
  while (awaiting.size > 0 && performance.now() < waitUntil) await sleep(50);
  for (const open of streams) open.close();

  const latencies: number[] = [];
  let lost = 0;
  for (const change of stream.changes) {
    const delivery = deliveryOf(change, seen.get(change.userId) ?? []);
    if (delivery && delivery.at - change.sentAt <= profile.giveUpMs) latencies.push(delivery.at - change.sentAt);
    else lost += 1;
  }
  const bot = stream.changes.filter((change) => change.source === "bot");
  const botLatencies = bot.flatMap((change) => {
    const at = deliveryOf(change, seen.get(change.userId) ?? [])?.at;
    return at === undefined ? [] : [at - change.sentAt];
  });
  const p99 = percentile(latencies, 99);
  const met = lost === 0 && p99 <= propagationTargets.p99Ms && stream.failures === 0;
  const lines = [
    `${users.length} signed-in guild members, one live-update stream each (GET /api/events with the session cookie and Sec-Fetch-Site: same-origin), spread over ${instances.length} app instances (production build, ${build.variant}); one Gateway worker; ${stream.changes.length} role changes at ${profile.changesPerSecond} per second (${bot.length} by the bot through REST, ${stream.changes.length - bot.length} by a moderator through the control API; ${stream.failures} calls failed, ${stream.skipped} slots skipped).`,
    "",
    "| changes | delivered | lost | p50 | p99 | max | target |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    `| all, ${stream.changes.length} | ${latencies.length} | ${lost} | ${seconds(percentile(latencies, 50))} | ${seconds(p99)} | ${seconds(maximum(latencies))} | p99 at most ${propagationTargets.p99Ms / 1_000} s |`,
    `| by the bot, ${bot.length} | ${botLatencies.length} | ${bot.length - botLatencies.length} | ${seconds(percentile(botLatencies, 50))} | ${seconds(percentile(botLatencies, 99))} | ${seconds(maximum(botLatencies))} | |`,
    "",
    `Before: a tab saw a role change at its next focus refetch, 12.2 s at best under the focus storm (bench/results/focus-storm.md, oldest roles served); the write-up's design, about 60 s. Malformed roles events: ${malformed}.`,
    "",
    `Result: ${met ? "within the target" : "MISSES the target"}.`,
    "",
    `How it is measured: each change is timed from just before its request leaves for the emulator (control POST members/:id/roles, or the bot's PUT/DELETE member role, whose 204 means it is done) to the arrival, at the bench's SSE client, of the first \`roles\` event of that member showing the change; both clocks are the bench process's performance.now(). Every change toggles the Player role of one member, and a member gets no new change until the event of the last one arrived (or ${profile.giveUpMs / 1_000} s passed), so each event answers one change. A change with no event within ${profile.giveUpMs / 1_000} s counts as lost. The bench, the emulator, Redis, the worker and both app instances share one machine.`,
  ];
  console.log(lines.join("\n"));
  if (profile.name === "full") progress(`written to ${writeResults("propagation.md", "Propagation results", "npm run bench:propagation", lines)}`);
  if (!met) throw new Error("propagation missed its target");
});
