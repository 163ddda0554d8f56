import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import pino from "pino";
import type { SessionActor } from "@/lib/actions/actor";
import { createGuildAdapter } from "@/lib/actions/guild-adapter";
import type { GuildPort } from "@/lib/actions/guild-port";
import { productKeyspace } from "@/lib/actions/keys";
import { actionPolicy, type AdmissionPolicy } from "@/lib/actions/policy";
import { ApiError } from "@/lib/api/errors";
import { createDiscordRest, type DiscordRest } from "@/lib/discord/rest";
import type { RoleIds } from "@/lib/roles/view";
import { allTeams, approveRequest, createTeam, declineRequest, disbandTeam, listTeams, myTeam, removeMember, requestToJoin, transferManager, withdrawRequest } from "@/lib/teams";
import type { TeamContext } from "@/lib/teams/context";
import type { CreateTeamInput } from "@/lib/teams/input";
import { ROLE_IDS } from "../../emulator/fixture";
import { seedDemoTeams } from "../../scripts/seed-demo";
import { appServices, emulator, freshRedis, guildId, type TestEmulator } from "./harness";

/**
 * The teams feature wired as one app process builds it, against the run's
 * private Redis and a fresh emulator: the real REST client (bot token), the
 * real role cache, random key prefixes. Shared by the tests in
 * integration/teams/ and integration/redis/aof-crash.
 */

/** The fixture's role IDs, as the app is configured with them. */
export const ids: RoleIds & { lagosLions: string; moderator: string } = ROLE_IDS;

export const users = {
  outsider: { id: "1200000000000000001", name: "Outsider" },
  newcomer: { id: "1200000000000000002", name: "Newcomer" },
  freeagent: { id: "1200000000000000003", name: "Free Agent" },
  manager: { id: "1200000000000000004", name: "Manager" },
  player: { id: "1200000000000000005", name: "Player" },
  admin: { id: "1200000000000000006", name: "Admin" },
  freeagent2: { id: "1200000000000000007", name: "Free Agent 2" },
  freeagent3: { id: "1200000000000000008", name: "Free Agent 3" },
} as const;

/** Generous limits, so tests are not paced by the emulator's realistic ones (the REST client's own tests cover those). */
const roomyLimit = { count: 1_000, windowSeconds: 1 };
const roomyRoutes = {
  "GET /guilds/:guild_id/members/:user_id": roomyLimit,
  "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roomyLimit,
  "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id": roomyLimit,
  "GET /guilds/:guild_id/roles": roomyLimit,
  "POST /guilds/:guild_id/roles": roomyLimit,
  "DELETE /guilds/:guild_id/roles/:role_id": roomyLimit,
  "POST /channels/:channel_id/messages": roomyLimit,
} as const;

/** Admission as generous as the limits above; the admission tests pass the real policy. */
const roomyAdmission: AdmissionPolicy = { guildPerSecond: 1_000, guildBurst: 1_000, userPerSecond: 1_000, userBurst: 1_000 };

type Personas = { guild: { roles: { id: string; name: string }[] }; personas: { id: string; username: string; member: boolean; roles: string[] }[] };

/** Every team use case bound to one process's context, as its route handlers call them. */
function teamActions(context: TeamContext) {
  return {
    listTeams: (user: SessionActor) => listTeams(context, user),
    myTeam: (user: SessionActor) => myTeam(context, user),
    allTeams: () => allTeams(context),
    createTeam: (user: SessionActor, input: CreateTeamInput) => createTeam(context, user, input),
    requestToJoin: (user: SessionActor, teamId: string) => requestToJoin(context, user, teamId),
    withdrawRequest: (user: SessionActor, teamId: string) => withdrawRequest(context, user, teamId),
    declineRequest: (user: SessionActor, teamId: string, userId: string) => declineRequest(context, user, teamId, userId),
    approveRequest: (user: SessionActor, teamId: string, userId: string) => approveRequest(context, user, teamId, userId),
    removeMember: (user: SessionActor, teamId: string, userId: string) => removeMember(context, user, teamId, userId),
    transferManager: (user: SessionActor, teamId: string, userId: string) => transferManager(context, user, teamId, userId),
    disbandTeam: (user: SessionActor, teamId: string) => disbandTeam(context, user, teamId),
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/**
 * `redis`: a connection of the caller's own (say, to a redis-server it
 * crashes on purpose) instead of the run's shared Redis; the caller closes it.
 * `admission`: how fast actions may spend Discord calls (roomy unless given).
 */
export async function createWorld(options: { rosterMax?: number; discordLimits?: "roomy" | "realistic"; redis?: Redis; admission?: AdmissionPolicy } = {}) {
  const redis: Redis = options.redis ?? (await freshRedis());
  const emu: TestEmulator = await emulator(options.discordLimits === "realistic" ? {} : { routeLimits: roomyRoutes });
  const prefix = `t${randomBytes(4).toString("hex")}:`;
  const rests: DiscordRest[] = [];
  const log = pino({ level: "silent" });
  const { roles: roleCache } = appServices(redis, emu);

  /** One app process: its own REST client (sharing limits through Redis) and service. */
  function process(wrap: (guild: GuildPort, context: TeamContext) => GuildPort = (guild) => guild) {
    const rest = createDiscordRest({ redis, botToken: "emulator-bot-token", apiBase: emu.apiBase, subscribe: false, keyPrefix: `${prefix}rest:`, logger: log });
    rests.push(rest);
    const context: TeamContext = {
      redis,
      keys: productKeyspace(`${prefix}safa:`),
      // Under realistic limits a change may wait out a whole 10 s role-change window, as in production: the app's own deadline.
      guild: createGuildAdapter({ rest, guildId, deadlineMs: options.discordLimits === "realistic" ? actionPolicy.discordDeadlineMs : 8_000 }),
      roleCache,
      roleIds: ids,
      guildId,
      rosterMax: options.rosterMax ?? 23,
      admission: options.admission ?? roomyAdmission,
      log,
      now: Date.now,
    };
    context.guild = wrap(context.guild, context);
    return { context, service: teamActions(context) };
  }

  const main = process();

  async function guildState(): Promise<Personas> {
    return emu.control<Personas>("personas?all=1");
  }

  return {
    redis,
    emu,
    prefix,
    keys: main.context.keys,
    context: main.context,
    service: main.service,
    process,
    roleCache,
    /** Marks Lagos Lions as a team, as the demo's stack does at start-up (an admin would in the admin area). */
    seedDemoTeams: () => seedDemoTeams(main.context),
    guildState,
    async rolesOf(userId: string): Promise<string[]> {
      const persona = (await guildState()).personas.find((entry) => entry.id === userId);
      if (!persona) throw new Error(`no user ${userId}`);
      return [...persona.roles].sort();
    },
    async guildRoleNames(): Promise<string[]> {
      return (await guildState()).guild.roles.map((role) => role.name);
    },
    /** A new guild member with the given roles (the fixture has only three free agents). */
    async newMember(username: string, roles: string[]): Promise<{ id: string; name: string }> {
      const created = await emu.control<{ id: string }>("users", { body: { username, roles } });
      return { id: created.id, name: username };
    },
    async fault(route: string, count: number) {
      await emu.control("faults", { body: { route, kind: "status", status: 500, count } });
    },
    async clearFaults() {
      await emu.control("faults", { method: "DELETE" });
    },
    /**
     * Everything the product stores for itself, minus locks, display names,
     * the admission and refusal counters (bookkeeping of who asked, like
     * the locks) and the short-lived copy of the guild's role list (reading
     * it changes nothing), to prove an action changed nothing.
     */
    async snapshot(): Promise<Record<string, unknown>> {
      const bookkeeping = [":lock:", ":admission:", ":refusals:", ":guild-roles"];
      const keys = (await redis.keys(`${prefix}safa:*`)).filter((key) => !bookkeeping.some((part) => key.includes(part)) && !key.endsWith("user-names")).sort();
      const dump: Record<string, unknown> = {};
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === "string") dump[key] = await redis.get(key);
        else if (type === "hash") dump[key] = await redis.hgetall(key);
        else if (type === "zset") dump[key] = await redis.zrange(key, 0, "-1");
        else if (type === "set") dump[key] = (await redis.smembers(key)).sort();
        else if (type === "stream") dump[key] = await redis.xlen(key);
      }
      const guild = await guildState();
      return {
        redis: dump,
        guildRoles: guild.guild.roles.map((role) => role.id).sort(),
        members: guild.personas.map((persona) => ({ id: persona.id, roles: [...persona.roles].sort() })),
      };
    },
    async close() {
      await Promise.all(rests.map((rest) => rest.close()));
      await emu.close();
      if (!options.redis) redis.disconnect();
    },
  };
}

export function sorted(roles: readonly string[]): string[] {
  return [...roles].sort();
}

/** The ApiError an action refused with (fails the test if it did not refuse, or refused otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}
