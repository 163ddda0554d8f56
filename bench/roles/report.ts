import { cpus } from "node:os";
import { maximum, percentile } from "../shared/stats";
import { maxAgeTargetMs, targets, type FocusProfile, type MemberLimit } from "./config";
import { secondDeviceCount } from "./devices";
import type { FloorResult } from "./floor";
import type { StormResult } from "./run";
import type { StrategyName } from "./strategies";

const labels: Record<StrategyName, string> = {
  none: "none (Discord every time)",
  safa: "safa (write-up as written)",
  ours: "ours (lib/roles)",
};

const seconds = (ms: number) => (Number.isNaN(ms) ? "n/a" : (ms / 1_000).toFixed(1));
const millis = (ms: number) => (Number.isNaN(ms) ? "n/a" : ms.toFixed(1));

function failures(result: StormResult): string {
  const entries = Object.entries(result.samples.failures);
  if (entries.length === 0) return "0";
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  return `${total} (${entries.map(([status, count]) => `${status}: ${count}`).join(", ")})`;
}

export function stormTable(results: readonly StormResult[]): string[] {
  const lines = [
    "| strategy | Discord calls | 429s | max age s | p99 age s | API p50 ms | API p99 ms | answers | answers without roles | IP banned |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
  ];
  for (const result of results) {
    const { samples, discord } = result;
    lines.push(
      `| ${labels[result.strategy]} | ${discord.requests} | ${discord.rateLimited} | ${seconds(maximum(samples.agesMs))} | ${seconds(percentile(samples.agesMs, 99))} | ${millis(percentile(samples.latenciesMs, 50))} | ${millis(percentile(samples.latenciesMs, 99))} | ${samples.answers} | ${failures(result)} | ${discord.banned ? "yes" : "no"} |`,
    );
  }
  return lines;
}

function cpuPerRequest(totals: FloorResult["roles"]): number | null {
  return totals.serverCpuMs === null || totals.requests === 0 ? null : totals.serverCpuMs / totals.requests;
}

function cpuLine(floor: FloorResult): string {
  const roles = cpuPerRequest(floor.roles);
  const health = cpuPerRequest(floor.health);
  if (roles === null || health === null) return "app CPU per request: not available on this OS";
  return `app CPU per request: roles ${roles.toFixed(3)} ms, health ${health.toFixed(3)} ms, health / roles = ${(health / roles).toFixed(2)} (the ratio a CPU-bound app would show)`;
}

export function floorLines(floor: FloorResult | Error): string[] {
  if (floor instanceof Error) return [`Floor: NOT MEASURED: ${floor.message}`];
  const valid = floor.roles.bad === 0 && floor.health.bad === 0 && floor.discordCallsDuring === 0 && floor.roles.requests > 0;
  const verdict = floor.ratio >= targets.floorRatio ? "meets" : "misses";
  return [
    `Floor: GET /api/roles on a cache hit ${floor.roles.perSecond.toFixed(0)} req/s vs GET /api/health ${floor.health.perSecond.toFixed(0)} req/s of the same Next app: ratio ${floor.ratio.toFixed(2)} (target >= ${targets.floorRatio}: ${valid ? verdict : "INVALID, see the checks below"})`,
    `- setup: ${floor.variant}, production build, one app process (\`npm start\`: server/main.ts); closed loop on ${floor.concurrency} keep-alive connections; ${floor.roles.requests} roles requests in ${(floor.roles.elapsedMs / 1_000).toFixed(1)} s spread over ${floor.users} signed-in users, ${floor.health.requests} health requests in ${(floor.health.elapsedMs / 1_000).toFixed(1)} s${floor.cutShort ? `; rounds cut short: ${floor.cutShort}` : ""}`,
    `- steadiness: ratio per alternating round ${floor.roundRatios.map((ratio) => ratio.toFixed(2)).join(", ")}; host load average ${floor.loadAverage.toFixed(2)} on ${cpus().length} CPUs when it began`,
    `- ${cpuLine(floor)}`,
    `- checks: roles answers that were not a cache hit ${floor.roles.bad}, health failures ${floor.health.bad}, Discord calls during the measurement ${floor.discordCallsDuring}`,
  ];
}

export function targetLines(results: readonly StormResult[], limit: MemberLimit): string[] {
  const ours = results.find((result) => result.strategy === "ours");
  if (!ours) return [];
  const maxAgeMs = maximum(ours.samples.agesMs);
  const targetMs = maxAgeTargetMs(limit);
  return [
    `Targets for ours: 429s ${ours.discord.rateLimited} (target ${targets.rateLimited}: ${ours.discord.rateLimited <= targets.rateLimited ? "meets" : "misses"}); ` +
      `oldest roles served ${seconds(maxAgeMs)} s (target <= ${targets.maxAgeWindowShare} x window / limit = ${seconds(targetMs)} s: ${maxAgeMs <= targetMs ? "meets" : "misses"})`,
  ];
}

export function header(profile: FocusProfile, limit: MemberLimit): string[] {
  const { storm } = profile;
  const twoDevices = secondDeviceCount(storm.users, storm.secondDeviceShare);
  const devices = storm.users + twoDevices;
  return [
    `Focus storm (${profile.name}): ${storm.users} users, ${twoDevices} of them signed in on two devices (two sessions, two access tokens, as a laptop and a phone): ${devices} devices x ${storm.tabsPerUser} tabs = ${devices * storm.tabsPerUser} tabs, each refetching at uniform ${storm.refetchMinMs / 1_000}-${storm.refetchMaxMs / 1_000} s for ${storm.durationMs / 1_000} s per strategy, tabs pinned at random to ${storm.instances} app instances sharing one Redis.`,
    `Discord: the emulator with its default limits; member lookup ${limit.count} per ${limit.windowMs / 1_000} s per user, every token of a user sharing the bucket (read from its headers). Each strategy starts from a reset emulator, an empty Redis and new tokens.`,
    `App instances: the strategy behind a minimal node:http server (bench/roles/instance.ts), not the full Next app. Host: ${cpus().length} CPUs, Node ${process.version}.`,
  ];
}

export function howMeasured(): string[] {
  return [
    "How each column is measured:",
    "- Discord calls, 429s, IP banned: the emulator's own counters for GET /users/@me/guilds/:guild_id/member over the storm (429s include a Cloudflare-style ban's).",
    "- max / p99 age: for every answer that served roles, the tab's clock at arrival minus the answer's fetchedAt (when Discord answered the call those roles came from).",
    "- API p50 / p99: a tab's round trip for GET /api/roles on its instance, every answer counted (200 or not).",
    "- answers without roles: 503 (Discord refused and nothing cached), other statuses, or no answer within the tab's timeout.",
  ];
}
