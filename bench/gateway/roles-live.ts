/**
 * Discord calls at rest (npm run bench:roles-live): the focus storm of
 * bench:roles (200 members, half of them on two devices, 3 tabs each,
 * refetching GET /api/roles every 1 to 3 s for 3 minutes on two instances
 * of the product's role service) with the Gateway mirror live, while role
 * changes keep coming at the emulator. Measured: member lookups the
 * emulator counted, 429s, and how far behind the emulator the roles served
 * were.
 *
 *   npx tsx bench/gateway/roles-live.ts           writes bench/results/roles-live.md
 *   npx tsx bench/gateway/roles-live.ts --quick   10 members for 15 s: only proves the bench runs
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { z } from "zod";
import { profiles } from "../roles/config";
import { signInSecondDevices } from "../roles/devices";
import { emulatorControl } from "../roles/emulator";
import { startInstance } from "../roles/start-instance";
import { fixture } from "../shared/fixture";
import { createHttpClient, type HttpClient } from "../shared/http";
import { sleep } from "../shared/kit";
import { maximum, percentile, uniformMs } from "../shared/stats";
import { benchTokenStore, type SignedInUser } from "../shared/users";
import { writeResults } from "../shared/results";
import { streamChanges } from "./change-stream";
import { toggledRole, type RoleChange } from "./changes";
import { rolesLiveTargets } from "./config";
import { signInMirroredUsers } from "./live-app";
import { runBench, startMirrorStack } from "./stack";

const rolesAnswer = z.object({ roles: z.array(z.string()) });

type StormFigures = { answers: number; failures: Record<string, number>; behindMs: number[]; behindCount: number; latenciesMs: number[] };

/**
 * How far behind the emulator an answer was: 0 when it shows the state of
 * the member's last change confirmed before the request left, else the time
 * from that change's confirmation to the answer's arrival.
 */
function behindMs(history: readonly RoleChange[], hasRole: boolean, sentAt: number, receivedAt: number): number {
  const last = history.filter((change) => change.answeredAt <= sentAt).at(-1);
  if (last === undefined || last.hasRole === hasRole) return 0;
  return receivedAt - last.answeredAt;
}

/** The storm's tabs, each pinned to one instance, each answer checked against the changes made so far. */
async function runLiveTabs(client: HttpClient, devices: readonly SignedInUser[], urls: readonly string[], storm: (typeof profiles)["full"]["storm"], history: ReadonlyMap<string, RoleChange[]>): Promise<StormFigures> {
  const figures: StormFigures = { answers: 0, failures: {}, behindMs: [], behindCount: 0, latenciesMs: [] };
  const endsAt = Date.now() + storm.durationMs;
  const fail = (reason: string) => (figures.failures[reason] = (figures.failures[reason] ?? 0) + 1);
  async function tab(device: SignedInUser, url: string): Promise<void> {
    for (;;) {
      const waitMs = uniformMs(storm.refetchMinMs, storm.refetchMaxMs);
      if (Date.now() + waitMs >= endsAt) return;
      await sleep(waitMs);
      const sentAt = performance.now();
      try {
        const answer = await client.get(`${url}/api/roles?${new URLSearchParams({ user: device.userId, session: device.sessionId })}`, { timeoutMs: storm.requestTimeoutMs });
        const receivedAt = performance.now();
        figures.answers += 1;
        figures.latenciesMs.push(answer.elapsedMs);
        if (answer.status !== 200) {
          fail(String(answer.status));
          continue;
        }
        const parsed = rolesAnswer.safeParse(JSON.parse(answer.body));
        if (!parsed.success) {
          fail("malformed");
          continue;
        }
        const behind = behindMs(history.get(device.userId) ?? [], parsed.data.roles.includes(toggledRole), sentAt, receivedAt);
        figures.behindMs.push(behind);
        if (behind > 0) figures.behindCount += 1;
      } catch {
        fail("no-answer");
      }
    }
  }
  const tabs = devices.flatMap((device) => Array.from({ length: storm.tabsPerUser }, (_, index) => tab(device, urls[(device.index + index) % urls.length] ?? "")));
  await Promise.all(tabs);
  return figures;
}

runBench("roles-live", 900_000, async (progress, cleanups) => {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const storm = values.quick ? profiles.quick.storm : profiles.full.storm;
  const stack = await startMirrorStack("roles-live", progress, cleanups);
  stack.startWorker("gateway-1");
  await stack.waitForStatus((status) => status.live, 30_000);
  const users = await signInMirroredUsers(stack, storm.users, "live");
  const tokens = benchTokenStore({ redis: stack.redis, secret: stack.secret, emulatorUrl: stack.emulatorUrl });
  const devices = [...users, ...(await signInSecondDevices({ emulatorUrl: stack.emulatorUrl, tokens, users, share: storm.secondDeviceShare }))];

  const urls: string[] = [];
  for (let index = 0; index < storm.instances; index += 1) {
    const instance = await startInstance(
      index,
      { strategy: "ours", redisUrl: stack.redisUrl, apiBase: `${stack.emulatorUrl}/api/v10`, guildId: fixture.guildId, secret: stack.secret, clientId: fixture.clientId, clientSecret: fixture.clientSecret },
      stack.logDir,
    );
    cleanups.push(() => instance.child.stop());
    urls.push(instance.url);
  }
  const emulator = emulatorControl(stack.emulatorUrl);
  const before = await emulator.memberStats();
  const client = createHttpClient({ maxSockets: devices.length * storm.tabsPerUser, timeoutMs: storm.requestTimeoutMs });
  cleanups.push(async () => client.close());

  const history = new Map<string, RoleChange[]>(users.map((user) => [user.userId, []]));
  const changeCount = Math.floor((rolesLiveTargets.changesPerSecond * storm.durationMs) / 1_000);
  progress(`${devices.length} devices x ${storm.tabsPerUser} tabs on ${urls.length} instances for ${storm.durationMs / 1_000} s; ${changeCount} role changes meanwhile`);
  const [figures, changes] = await Promise.all([
    runLiveTabs(client, devices, urls, storm, history),
    streamChanges({
      emulatorUrl: stack.emulatorUrl,
      userIds: users.map((user) => user.userId),
      holds: new Map(),
      count: changeCount,
      perSecond: rolesLiveTargets.changesPerSecond,
      botEvery: 25,
      onChange: (change) => history.get(change.userId)?.push(change),
    }),
  ]);
  const after = await emulator.memberStats();
  const status = await stack.waitForStatus(() => true, 1_000);

  const lookups = after.requests - before.requests;
  const rateLimited = after.rateLimited - before.rateLimited;
  const oldest = maximum(figures.behindMs);
  const failures = Object.entries(figures.failures).map(([reason, count]) => `${reason}: ${count}`).join(", ") || "none";
  // Checks hold on any machine; the time target is judged on full runs only (a --quick run on a busy machine proves the bench runs, not a figure).
  const checked = lookups === rolesLiveTargets.memberLookups && rateLimited === 0 && failures === "none";
  const met = checked && oldest <= rolesLiveTargets.behindMsMax;
  const lines = [
    `The focus storm of bench:roles (${storm.users} members, ${devices.length - storm.users} of them also on a second device, ${storm.tabsPerUser} tabs per device, a refetch of GET /api/roles every ${storm.refetchMinMs / 1_000} to ${storm.refetchMaxMs / 1_000} s per tab, ${storm.durationMs / 1_000} s, ${urls.length} instances of the product's role service, lib/roles) with one Gateway worker keeping the mirror live; meanwhile ${changes.changes.length} role changes at the emulator (${rolesLiveTargets.changesPerSecond} per second, a moderator's and the bot's).`,
    "",
    "| figure | value | target |",
    "| --- | --- | --- |",
    `| member lookups at Discord (GET /users/@me/guilds/:guild_id/member) | ${lookups} | ${rolesLiveTargets.memberLookups} |`,
    `| 429s on that route | ${rateLimited} | 0 |`,
    `| answers | ${figures.answers} (failures: ${failures}) | |`,
    `| oldest roles served, behind the emulator | ${(oldest / 1_000).toFixed(3)} s | at most ${rolesLiveTargets.behindMsMax / 1_000} s |`,
    `| answers not yet showing a change confirmed before they were asked | ${figures.behindCount}, p99 of all answers ${(percentile(figures.behindMs, 99) / 1_000).toFixed(3)} s behind | |`,
    `| API latency p50 / p99 | ${percentile(figures.latenciesMs, 50).toFixed(1)} ms / ${percentile(figures.latenciesMs, 99).toFixed(1)} ms | |`,
    `| mirror at the end | ${status.live ? "live" : "NOT live"}, ${status.membersMirrored} members, ${status.resyncCount} resync(s) | |`,
    "",
    `Before (bench/results/focus-storm.md, the same storm on the paced path, without the mirror): 3,000 member lookups, 0 429s, oldest roles served 12.2 s old.`,
    "",
    `Result: ${met ? "within the targets" : "MISSES a target"}.`,
    `Checks: ${checked ? "passed" : "FAILED"} (no member lookup, no 429, no failed answer).`,
    "",
    "How it is measured: the emulator's own counters for the member route, read before and after the storm. Every role change toggles the Player role of one member; an answer is behind when the member's last change confirmed by the emulator before the request left is not in it, and then by the time from that confirmation to the answer's arrival (answers to requests sent while a change was in flight count as current either way). The instances are bench/roles/instance.ts with the `ours` strategy, the product's role service unchanged, as in bench:roles.",
  ];
  console.log(lines.join("\n"));
  if (!values.quick) progress(`written to ${writeResults("roles-live.md", "Role lookups with the mirror live", "npm run bench:roles-live", lines)}`);
  if (!checked || (!values.quick && !met)) throw new Error("roles-live missed a target");
});
