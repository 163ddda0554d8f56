import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import pino from "pino";
import type { ActionContext } from "@/lib/actions/context";
import { createGuildAdapter } from "@/lib/actions/guild-adapter";
import { productKeyspace } from "@/lib/actions/keys";
import { createTokenStore } from "@/lib/auth/token-store";
import { createDiscordRest, type DiscordRest } from "@/lib/discord/rest";
import { saveProfile } from "@/lib/profile/save-profile";
import { createRoleService } from "@/lib/roles/service";
import { approveRequest, createTeam, leaveTeam, requestToJoin } from "@/lib/teams";
import type { TeamContext } from "@/lib/teams/context";
import { ROLE_IDS } from "../../emulator/fixture";
import { startEmulator } from "../../emulator/server";
import { fixture } from "../shared/fixture";
import { controlCall } from "../shared/http";
import { mapLimit } from "../shared/kit";
import { waitTimeoutMs } from "./config";

/**
 * The cost of WAIT on actions, WAIT on and off side by side on the same HA
 * set: the action engine in this process (as one app process runs it: one
 * Redis connection through Sentinel, the bot's REST client, journals,
 * locks, commit scripts), against an emulator of its own with roomy limits
 * and the admission policy loosened, so neither Discord's budget nor the
 * app's share of it is what is measured. Closed loop: each worker is a
 * manager and a player cycling request, approval, leave and a profile save.
 */

export type ThroughputRound = { waitReplicas: number; actions: number; failed: number; durationMs: number; p50Ms: number; p95Ms: number };

const roomyLimit = { count: 100_000, windowSeconds: 1 };
const roomyRoutes = Object.fromEntries(
  [
    "GET /guilds/:guild_id/members/:user_id",
    "PUT /guilds/:guild_id/members/:user_id/roles/:role_id",
    "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id",
    "GET /guilds/:guild_id/roles",
    "POST /guilds/:guild_id/roles",
    "DELETE /guilds/:guild_id/roles/:role_id",
  ].map((route) => [route, roomyLimit]),
);
/** Tag letters no other letter looks like, so two teams' tags never clash as look-alikes. */
const distinctLetters = "ABCDEFGHJKPQSTUXYZ";
const roomyAdmission = { guildPerSecond: 100_000, guildBurst: 100_000, userPerSecond: 100_000, userBurst: 100_000 };

function percentile(sorted: readonly number[], share: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN);
}

async function newMember(emulatorUrl: string, username: string): Promise<{ id: string; name: string }> {
  const created = (await controlCall(`${emulatorUrl}/__emulator/users`, { username, roles: [fixture.roles.updatedProfile, fixture.roles.freeAgent], member: true })) as { id: string };
  return { id: created.id, name: username };
}

/** One measured round: fresh keys, fresh users, `workers` pairs cycling for `roundMs`. */
async function round(options: { redis: Redis; emulatorUrl: string; rest: DiscordRest; waitReplicas: number; workers: number; roundMs: number; label: string }): Promise<ThroughputRound> {
  const { redis, emulatorUrl } = options;
  const prefix = `bench-wait-${options.label}-${randomBytes(3).toString("hex")}:`;
  const tokens = createTokenStore({ redis, secret: "bench-throughput-secret-0123456789", oauth: { apiBase: `${emulatorUrl}/api/v10`, clientId: fixture.clientId, clientSecret: fixture.clientSecret } });
  const roleCache = createRoleService({ redis, rest: options.rest, apiBase: `${emulatorUrl}/api/v10`, guildId: fixture.guildId, tokens });
  const context: TeamContext = {
    redis,
    keys: productKeyspace(`${prefix}safa:`),
    guild: createGuildAdapter({ rest: options.rest, guildId: fixture.guildId, deadlineMs: 8_000 }),
    roleCache,
    roleIds: ROLE_IDS,
    guildId: fixture.guildId,
    rosterMax: 23,
    admission: roomyAdmission,
    replication: { replicas: options.waitReplicas, timeoutMs: waitTimeoutMs },
    log: pino({ level: "silent" }),
    now: Date.now,
  } satisfies ActionContext & TeamContext;
  const pairs = await mapLimit(Array.from({ length: options.workers }, (_, index) => index), 4, async (index) => {
    const manager = await newMember(emulatorUrl, `wait_${options.label}_m${index}`);
    const player = await newMember(emulatorUrl, `wait_${options.label}_p${index}`);
    const profile = (user: { id: string }, save: number) => ({ gamerTag: `w${options.label}_${user.id.slice(-6)}_${save}`, platform: "pc" as const, eaFcId: `ea_${user.id.slice(-8)}`, country: "NG" as const, position: "MID" as const });
    await saveProfile(context, manager, profile(manager, 0));
    await saveProfile(context, player, profile(player, 0));
    const letters = `${distinctLetters[index % distinctLetters.length] ?? "A"}${distinctLetters[Math.floor(index / distinctLetters.length) % distinctLetters.length] ?? "A"}`;
    const created = await createTeam(context, manager, { name: `Wait ${options.label} ${letters}`, tag: `W${letters}` });
    return { manager, player, teamId: created.teamId ?? "", profile };
  });

  const latencies: number[] = [];
  let failed = 0;
  const startedAt = performance.now();
  const endsAt = startedAt + options.roundMs;
  await Promise.all(
    pairs.map(async ({ manager, player, teamId, profile }) => {
      const steps: ((save: number) => Promise<unknown>)[] = [
        () => requestToJoin(context, player, teamId),
        () => approveRequest(context, manager, teamId, player.id),
        () => leaveTeam(context, player, teamId),
        (save: number) => saveProfile(context, player, profile(player, save)),
      ];
      for (let step = 0; performance.now() < endsAt; step += 1) {
        const began = performance.now();
        try {
          await (steps[step % steps.length] ?? steps[0])?.(step + 1);
          latencies.push(performance.now() - began);
        } catch {
          failed += 1;
        }
      }
    }),
  );
  const durationMs = performance.now() - startedAt;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { waitReplicas: options.waitReplicas, actions: latencies.length, failed, durationMs, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95) };
}

/** WAIT on (1 replica) and off (0), alternating `rounds` times each, so neither gets the warmer machine. */
export async function measureWaitCost(options: { redis: Redis; workers: number; roundMs: number; rounds: number }): Promise<ThroughputRound[]> {
  const emulator = await startEmulator({ port: 0, routeLimits: roomyRoutes });
  const rest = createDiscordRest({ redis: options.redis, botToken: fixture.botToken, apiBase: `${emulator.url}/api/v10`, subscribe: false, keyPrefix: `bench-wait-${randomBytes(3).toString("hex")}:rest:`, logger: pino({ level: "silent" }) });
  try {
    const results: ThroughputRound[] = [];
    for (let index = 0; index < options.rounds; index += 1) {
      for (const waitReplicas of [1, 0]) {
        results.push(await round({ ...options, emulatorUrl: emulator.url, rest, waitReplicas, label: `r${index}w${waitReplicas}` }));
      }
    }
    return results;
  } finally {
    await rest.close();
    await emulator.close();
  }
}

export function throughputLines(rounds: readonly ThroughputRound[]): string[] {
  const summary = (waitReplicas: number) => {
    const mine = rounds.filter((entry) => entry.waitReplicas === waitReplicas);
    const actions = mine.reduce((sum, entry) => sum + entry.actions, 0);
    const seconds = mine.reduce((sum, entry) => sum + entry.durationMs, 0) / 1_000;
    const failed = mine.reduce((sum, entry) => sum + entry.failed, 0);
    const p50 = mine.map((entry) => entry.p50Ms).sort((a, b) => a - b)[Math.floor(mine.length / 2)] ?? Number.NaN;
    const p95 = Math.max(...mine.map((entry) => entry.p95Ms));
    return { perSecond: seconds > 0 ? actions / seconds : 0, actions, failed, p50, p95 };
  };
  const on = summary(1);
  const off = summary(0);
  return [
    "| actions in-process, closed loop | WAIT on (REDIS_WAIT_REPLICAS=1) | WAIT off (0) |",
    "| --- | --- | --- |",
    `| actions per second | ${on.perSecond.toFixed(1)} | ${off.perSecond.toFixed(1)} |`,
    `| actions completed (failed) | ${on.actions} (${on.failed}) | ${off.actions} (${off.failed}) |`,
    `| p50 latency ms | ${on.p50.toFixed(1)} | ${off.p50.toFixed(1)} |`,
    `| p95 latency ms | ${on.p95.toFixed(1)} | ${off.p95.toFixed(1)} |`,
    `| throughput with WAIT, relative | ${off.perSecond > 0 ? (on.perSecond / off.perSecond).toFixed(3) : "-"}x | 1x |`,
  ];
}
