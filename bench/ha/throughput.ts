import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import pino from "pino";
import { z } from "zod";
import type { ActionContext } from "@/lib/actions/context";
import { createGuildAdapter } from "@/lib/actions/guild-adapter";
import { productKeyspace } from "@/lib/actions/keys";
import { createTokenStore } from "@/lib/auth/token-store";
import { createDiscordRest, type DiscordRest } from "@/lib/discord/rest";
import { saveProfile } from "@/lib/profile/save-profile";
import { createRoleService } from "@/lib/roles/service";
import { setLooking } from "@/lib/pool";
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
 * manager and a player cycling request, approval, leave and a profile save;
 * then, to see WAIT's own cost, each worker a free agent switching the pool
 * on and off (one Redis script, then WAIT, no Discord call).
 */

/** Team and profile actions (Discord, then Redis), or the pool switch (Redis only: the cost of WAIT alone). */
export type ThroughputKind = "roster and profile" | "pool switch";

export type ThroughputRound = { kind: ThroughputKind; waitReplicas: number; actions: number; failed: number; durationMs: number; p50Ms: number; p95Ms: number };

const appliedSchema = z.object({ applied: z.boolean() });

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
async function round(options: { kind: ThroughputKind; redis: Redis; emulatorUrl: string; rest: DiscordRest; waitReplicas: number; workers: number; roundMs: number; label: string }): Promise<ThroughputRound> {
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
  const profile = (user: { id: string }, save: number) => ({ gamerTag: `w${options.label}_${user.id.slice(-6)}_${save}`, platform: "pc" as const, eaFcId: `ea_${user.id.slice(-8)}`, country: "NG" as const, position: "MID" as const });
  const workers = await mapLimit(Array.from({ length: options.workers }, (_, index) => index), 4, async (index) => {
    const player = await newMember(emulatorUrl, `wait_${options.label}_p${index}`);
    await saveProfile(context, player, profile(player, 0));
    if (options.kind === "pool switch") return [(step: number) => setLooking(context, player, step % 2 === 0)];
    const manager = await newMember(emulatorUrl, `wait_${options.label}_m${index}`);
    await saveProfile(context, manager, profile(manager, 0));
    const letters = `${distinctLetters[index % distinctLetters.length] ?? "A"}${distinctLetters[Math.floor(index / distinctLetters.length) % distinctLetters.length] ?? "A"}`;
    const created = await createTeam(context, manager, { name: `Wait ${options.label} ${letters}`, tag: `W${letters}` });
    const teamId = created.teamId ?? "";
    return [
      () => requestToJoin(context, player, teamId),
      () => approveRequest(context, manager, teamId, player.id),
      () => leaveTeam(context, player, teamId),
      (step: number) => saveProfile(context, player, profile(player, step)),
    ];
  });

  const latencies: number[] = [];
  let failed = 0;
  let unchanged = 0;
  const startedAt = performance.now();
  const endsAt = startedAt + options.roundMs;
  await Promise.all(
    workers.map(async (steps: ((step: number) => Promise<unknown>)[]) => {
      for (let step = 0; performance.now() < endsAt; step += 1) {
        const began = performance.now();
        try {
          const result = await steps[step % steps.length]?.(step + 1);
          // Only changes count: one that found the state already so wrote nothing and waited for nobody.
          if (appliedSchema.safeParse(result).data?.applied === false) unchanged += 1;
          else latencies.push(performance.now() - began);
        } catch {
          failed += 1;
        }
      }
    }),
  );
  const durationMs = performance.now() - startedAt;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { kind: options.kind, waitReplicas: options.waitReplicas, actions: latencies.length, failed: failed + unchanged, durationMs, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95) };
}

/** WAIT on (1 replica) and off (0), alternating `rounds` times each, so neither gets the warmer machine. */
export async function measureWaitCost(options: { redis: Redis; workers: number; roundMs: number; rounds: number }): Promise<ThroughputRound[]> {
  const emulator = await startEmulator({ port: 0, routeLimits: roomyRoutes });
  const rest = createDiscordRest({ redis: options.redis, botToken: fixture.botToken, apiBase: `${emulator.url}/api/v10`, subscribe: false, keyPrefix: `bench-wait-${randomBytes(3).toString("hex")}:rest:`, logger: pino({ level: "silent" }) });
  try {
    const results: ThroughputRound[] = [];
    for (const kind of ["roster and profile", "pool switch"] as const) {
      for (let index = 0; index < options.rounds; index += 1) {
        for (const waitReplicas of [1, 0]) {
          results.push(await round({ ...options, kind, emulatorUrl: emulator.url, rest, waitReplicas, label: `${kind === "pool switch" ? "p" : "t"}${index}w${waitReplicas}` }));
        }
      }
    }
    return results;
  } finally {
    await rest.close();
    await emulator.close();
  }
}

export function throughputLines(rounds: readonly ThroughputRound[]): string[] {
  const summary = (kind: ThroughputKind, waitReplicas: number) => {
    const mine = rounds.filter((entry) => entry.kind === kind && entry.waitReplicas === waitReplicas);
    const actions = mine.reduce((sum, entry) => sum + entry.actions, 0);
    const seconds = mine.reduce((sum, entry) => sum + entry.durationMs, 0) / 1_000;
    const failed = mine.reduce((sum, entry) => sum + entry.failed, 0);
    const p50 = mine.map((entry) => entry.p50Ms).sort((a, b) => a - b)[Math.floor(mine.length / 2)] ?? Number.NaN;
    const p95 = Math.max(...mine.map((entry) => entry.p95Ms));
    return { perSecond: seconds > 0 ? actions / seconds : 0, actions, failed, p50, p95 };
  };
  const rows = (kind: ThroughputKind) => {
    const on = summary(kind, 1);
    const off = summary(kind, 0);
    return [
      `| ${kind}: actions per second | ${on.perSecond.toFixed(1)} | ${off.perSecond.toFixed(1)} | ${off.perSecond > 0 ? (on.perSecond / off.perSecond).toFixed(3) : "-"}x |`,
      `| ${kind}: changes made (failed or unchanged) | ${on.actions} (${on.failed}) | ${off.actions} (${off.failed}) | |`,
      `| ${kind}: p50 / p95 ms | ${on.p50.toFixed(1)} / ${on.p95.toFixed(1)} | ${off.p50.toFixed(1)} / ${off.p95.toFixed(1)} | |`,
    ];
  };
  return [
    "| in-process, closed loop | WAIT on (REDIS_WAIT_REPLICAS=1) | WAIT off (0) | on / off |",
    "| --- | --- | --- | --- |",
    ...rows("roster and profile"),
    ...rows("pool switch"),
  ];
}
