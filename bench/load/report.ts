import { percentile } from "../shared/stats";
import { acceptRaceShare, discordBudget, doubleSubmitShare, freeActionPace, gatewayWorkerCount, perUserPerMinute, poolBrowsing, type LoadProfile } from "./config";
import type { ActionKind, RequestKind, ScenarioResult } from "./scenario";
import type { Verification } from "./verify";

const kinds: { kind: RequestKind; label: string }[] = [
  { kind: "page", label: "page loads (GET /)" },
  { kind: "roles", label: "focus refetches (GET /api/roles)" },
  { kind: "team reads", label: "team reads (GET /api/teams, /mine)" },
  { kind: "pool reads", label: "pool reads (GET /api/pool, filtered or not)" },
  { kind: "actions", label: "team, profile, pool and offer actions" },
];

const actionKinds: ActionKind[] = ["create", "request", "withdraw", "approve", "decline", "leave", "profile", "looking", "offer", "offer withdraw", "offer decline", "offer accept"];

function ms(value: number): string {
  return Number.isNaN(value) ? "-" : String(Math.round(value));
}

export function header(profile: LoadProfile, instances: number, result: ScenarioResult): string[] {
  const seconds = Math.round((result.endedAt - result.startedAt) / 1_000);
  return [
    `${profile.users} signed-in users for ${profile.durationMs / 1_000} s (${seconds} s with the last answers) against ${instances} app instances (npm start: server/main.ts, production build) and ${gatewayWorkerCount} Gateway workers (npm run gateway: the mirror and the transactions channel) sharing one Redis and the Discord emulator (default limits), all on loopback.`,
  ];
}

/** The one table: requests by kind, statuses, latency percentiles. */
export function requestTable(result: ScenarioResult): string[] {
  const lines = ["| requests | count | 2xx | 4xx | 5xx | no answer | p50 ms | p95 ms | p99 ms | max ms |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"];
  const rows = [...kinds, { kind: null, label: "all" }];
  for (const { kind, label } of rows) {
    const samples = result.samples.filter((sample) => kind === null || sample.kind === kind);
    const latencies = samples.map((sample) => sample.elapsedMs).filter((value) => !Number.isNaN(value));
    const count = (test: (status: number) => boolean) => samples.filter((sample) => typeof sample.status === "number" && test(sample.status)).length;
    lines.push(
      `| ${label} | ${samples.length} | ${count((status) => status < 300)} | ${count((status) => status >= 400 && status < 500)} | ${count((status) => status >= 500)} | ${samples.filter((sample) => sample.status === "no answer").length} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 95))} | ${ms(percentile(latencies, 99))} | ${ms(percentile(latencies, 100))} |`,
    );
  }
  return lines;
}

export function actionLines(result: ScenarioResult): string[] {
  const parts = actionKinds.map((kind) => {
    const records = result.actions.filter((record) => record.kind === kind);
    const applied = records.filter((record) => record.status === 200 && record.applied).length;
    const unchanged = records.filter((record) => record.status === 200 && record.applied === false).length;
    return `${kind} ${records.length} (${applied} applied, ${unchanged} already so, ${records.length - applied - unchanged} refused)`;
  });
  const codes = new Map<string, number>();
  for (const record of result.actions) if (record.status !== 200) codes.set(`${record.status} ${record.code ?? ""}`.trim(), (codes.get(`${record.status} ${record.code ?? ""}`.trim()) ?? 0) + 1);
  const pairs = new Set(result.actions.map((record) => record.pair).filter((pair) => pair !== null)).size;
  const races = new Set(result.actions.map((record) => record.race).filter((race) => race !== null)).size;
  return [
    `Actions: ${parts.join("; ")}. ${pairs} of them sent twice at once, one copy to each instance; races of two acceptances at once (one player, two teams' offers): ${races}.`,
    `Refusals: ${[...codes].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code} x${count}`).join(", ") || "none"}.`,
  ];
}

export function discordLines(verification: Verification): string[] {
  const routes = Object.entries(verification.discord.byRoute)
    .filter(([, route]) => route.requests > 0)
    .map(([route, counts]) => `${route} ${counts.requests}${counts.rateLimited > 0 ? ` (${counts.rateLimited} x 429)` : ""}`);
  return [`Discord (emulator's counters): ${verification.discord.requests} requests, ${verification.discord.rateLimited} answered 429, ${verification.discord.invalid} invalid; by route: ${routes.join("; ")}.`];
}

export function verificationLines(verification: Verification): string[] {
  const failed = verification.checks.filter((check) => !check.ok).length;
  return [
    `Verification: ${failed === 0 ? "passed" : `FAILED (${failed} of ${verification.checks.length} checks)`}`,
    ...verification.checks.map((check) => `- ${check.ok ? "ok" : "FAILED"}: ${check.name}: ${check.detail}`),
  ];
}

export function howMeasured(profile: LoadProfile): string[] {
  const seconds = (value: number) => Math.round(value / 1_000);
  return [
    "How it is measured:",
    "- users: synthetic guild members (updated-profile, free-agent) made with the emulator's control API, tokens saved with the app's token store, session cookies minted as next-auth does; each request goes to a random instance (a load balancer without stickiness).",
    `- a tab: a page load (the HTML document, GET /) on arrival (spread over ${seconds(profile.rampUpMs)} s), a focus refetch every ${seconds(profile.focusMinMs)} to ${seconds(profile.focusMaxMs)} s (plus the team list or the user's team when its copy is 15 s old, and the free-agent pool page when its copy is ${seconds(profile.poolEveryMs)} s old: always for a manager, ${poolBrowsing.freeAgentShare * 100} % of the time for a free agent; ${poolBrowsing.filteredShare * 100} % of pool reads filter by platform, position, country or search a gamer tag), a reload every ${seconds(profile.reloadMinMs)} to ${seconds(profile.reloadMaxMs)} s. Every focus reaches the server (a browser's staleTime would hold some back).`,
    `- actions: chosen from the answers so far (create up to ${profile.teamsMax} teams, ask to join, withdraw, approve, decline, leave, save the profile, switch "looking for a team" on or off, offer a place to a player the manager's last pool page listed, withdraw an offer, decline or accept one); those that call Discord admitted at ${discordBudget.shareOfBudget * 100} % of the bot's Discord budget for the guild (${discordBudget.memberReadsPerSecond} member read and ${discordBudget.roleChangesPerSecond} role change a second, the emulator's defaults), offers, their withdrawal and refusal and the pool switch (which call none) in a lane of their own at ${freeActionPace.perSecond} a second; at most ${perUserPerMinute.actions} a minute per user; ${doubleSubmitShare * 100} % are sent twice at once, once to each instance, and ${acceptRaceShare * 100} % of acceptances by a player with two offers or more race a second acceptance of another team's offer.`,
    "- latency: the generator's round trip per request on keep-alive connections, answered or not; the generator shares the machine's 2 cores with both instances, Redis and the emulator.",
    "- verification: answers against the audit log (one entry per applied answer, none for refusals and 'already so' answers), the log replayed against Redis (teams, rosters, requests, offers), rosters within their maximum and each player on one, the pool against each player's last switch, Redis against the emulator's guild, the transactions channel against the log (after waiting for it to catch up: every announced change posted once, in order, the outbox empty), every pool page against its filters, every record parsed by the domain's schemas, no open journal or held lock, the emulator's 429 counter.",
  ];
}
