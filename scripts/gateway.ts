/**
 * The Gateway worker (`npm run gateway`): keeps the guild's members and
 * roles mirrored in Redis from Discord's Gateway. Run as many replicas as
 * you like; one holds the connection (a lease in Redis), the others stand
 * by and resume its session within seconds if it dies. SIGTERM or SIGINT
 * hands the lead over at once.
 *
 * The leader also makes teams follow Discord (lib/teams/discord-sync):
 * team roles given, taken or deleted there change the rosters and teams.
 * That needs `--conditions=react-server` (as `npm run gateway` passes): the
 * teams' modules are server-only. Started without it, the worker keeps the
 * mirror alone and says so.
 *
 * Every worker also drains the transactions outbox into
 * DISCORD_TRANSACTIONS_CHANNEL_ID when it is set (lib/transactions): the
 * worker is always running beside the app, one drainer at a time holds the
 * channel through a lease, and a standby takes over when it dies, so
 * announcements never depend on web traffic nor on which replica leads.
 *
 * Reads DISCORD_BOT_TOKEN, DISCORD_GUILD_ID, DISCORD_API_BASE and REDIS_URL
 * or REDIS_SENTINELS (with the rest of the app's environment, validated by lib/env.ts).
 */
import type { Redis } from "ioredis";
import { EnvError, parseEnv, type Env } from "../lib/env";
import { moduleLogger } from "../lib/log";
import { createRedis, waitUntilReady } from "../lib/redis/connection";
import { redisTargetFromEnv } from "../lib/redis/target";
import { createGatewayWorker } from "../lib/gateway/worker";
import { productKeyspace } from "../lib/actions/keys";
import { createDiscordRest } from "../lib/discord/rest/create-discord-rest";
import { createOutboxDrainer } from "../lib/transactions";
import { eventKeyspace } from "../lib/events/keys";
import { publishRolesChanged } from "../lib/events/publish";
import type { DiscordFollower } from "../lib/teams/discord-sync";

const log = moduleLogger("gateway");

const redisStartupWaitMs = 10_000;

function loadEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

type Follower = Pick<DiscordFollower, "memberChanged" | "roleDeleted" | "resynced" | "stop">;

/** The teams' follow-up of Discord, or null when this process may not load server-only modules. */
async function startFollower(env: Env, redis: Redis): Promise<Follower | null> {
  try {
    const { createDiscordFollower, createFollowContext } = await import("../lib/teams/discord-sync");
    const roleIds = {
      updatedProfile: env.DISCORD_ROLE_UPDATED_PROFILE,
      freeAgent: env.DISCORD_ROLE_FREE_AGENT,
      player: env.DISCORD_ROLE_PLAYER,
      teamManager: env.DISCORD_ROLE_TEAM_MANAGER,
      tournamentAdmin: env.DISCORD_ROLE_TOURNAMENT_ADMIN,
    };
    const announceChanges = env.DISCORD_TRANSACTIONS_CHANNEL_ID !== undefined;
    return createDiscordFollower(createFollowContext({ redis, guildId: env.DISCORD_GUILD_ID, roleIds, rosterMax: env.TEAM_ROSTER_MAX, log: moduleLogger("teams"), announceChanges }));
  } catch (error) {
    log.error({ err: (error as Error).message }, "teams do not follow Discord in this worker: start it with --conditions=react-server (npm run gateway)");
    return null;
  }
}

/** The transactions channel's drainer on the shared REST client; what stops both, or null when no channel is configured. */
function startTransactionsDrainer(env: Env, redis: Redis): { stop(): Promise<void> } | null {
  const channelId = env.DISCORD_TRANSACTIONS_CHANNEL_ID;
  if (channelId === undefined) return null;
  const rest = createDiscordRest({ redis, botToken: env.DISCORD_BOT_TOKEN, apiBase: env.DISCORD_API_BASE, globalPerSecond: env.DISCORD_GLOBAL_LIMIT_PER_SECOND });
  const drainer = createOutboxDrainer({ redis, keys: productKeyspace(), rest, channelId, log: moduleLogger("transactions") });
  drainer.start();
  log.info({ channelId, drainerId: drainer.drainerId }, "transactions channel drainer started");
  return {
    async stop() {
      await drainer.stop();
      await rest.close();
    },
  };
}

async function main(): Promise<void> {
  const env = loadEnv();
  const redis = createRedis(redisTargetFromEnv(env));
  // The connection queues nothing while it connects: the lease loop would only log failures until then.
  if (!(await waitUntilReady(redis, redisStartupWaitMs))) log.warn("redis is not reachable yet; the worker keeps trying");
  const follower = await startFollower(env, redis);
  const worker = createGatewayWorker({
    redis,
    guildId: env.DISCORD_GUILD_ID,
    botToken: env.DISCORD_BOT_TOKEN,
    apiBase: env.DISCORD_API_BASE,
    // Open tabs of the member get their new roles (members with no tab open get no notice: a sync
    // writes them all); fails open and is not awaited, so the mirror never waits on it.
    // The follow-up queues the change and returns at once too.
    onMemberChanged: (change) => {
      void publishRolesChanged(redis, change.userId, eventKeyspace(), { onlyIfWatched: true });
      follower?.memberChanged(change);
    },
    onRoleDeleted: (deleted) => follower?.roleDeleted(deleted),
    onResynced: (resynced) => follower?.resynced(resynced),
  });
  worker.start();
  const drainer = startTransactionsDrainer(env, redis);
  log.info({ workerId: worker.workerId, guildId: env.DISCORD_GUILD_ID }, "gateway worker started");

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    worker
      .stop("handover")
      .then(() => follower?.stop())
      .then(() => drainer?.stop())
      .catch((error: unknown) => log.error({ err: (error as Error).message }, "gateway worker did not stop cleanly"))
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // @discordjs/ws can reject outside any call of ours (a socket that closes while the shard waits to identify makes it send on the next, still-connecting socket).
  // The worker's state is then unknown: it says why and exits, its standby resumes the session within seconds, and its supervisor starts it again.
  process.on("unhandledRejection", (error: unknown) => {
    log.fatal({ err: error instanceof Error ? error.message : String(error) }, "gateway worker failed outside its own calls; exiting so the standby takes over");
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
