import type { APIMessage } from "discord-api-types/v10";
import type { Redis } from "ioredis";
import pino from "pino";
import { createDiscordRest } from "@/lib/discord/rest";
import type { DiscordRest, Transport } from "@/lib/discord/rest";
import { createOutboxDrainer, type OutboxDrainer, type TransactionsPolicy } from "@/lib/transactions";
import { CHANNEL_IDS } from "../../../emulator/fixture";
import type { World } from "../../helpers/teams-world";

/**
 * The transactions channel wired to a teams world: the world's actions
 * announce, drainers post through their own REST clients, and the
 * emulator's channel is read back through its control API.
 */

export const channelId: string = CHANNEL_IDS.transactions;

export type ChannelMessage = APIMessage & { pinged_user_ids: string[] };

/** Short waits, so a 5xx burst or a restart costs the tests a second, not a minute. */
export const quickPolicy: Partial<TransactionsPolicy> = { pollMs: 20, leaseMs: 2_000, retryBaseMs: 50, retryMaxMs: 400, postDeadlineMs: 3_000 };

export function announcingWorld(world: World) {
  world.context.announceChanges = true;
  const log = pino({ level: "silent" });
  const rests: DiscordRest[] = [];
  const drainers: OutboxDrainer[] = [];

  function restClient(redis: Redis = world.redis, transport?: Transport): DiscordRest {
    const rest = createDiscordRest({ redis, botToken: "emulator-bot-token", apiBase: world.emu.apiBase, subscribe: false, keyPrefix: `${world.prefix}rest:`, logger: log, transport });
    rests.push(rest);
    return rest;
  }

  return {
    restClient,
    /** A drainer as one Gateway worker runs it; `rest` replaces its client, `transport` the client's HTTP (to fail on purpose). */
    drainer(
      options: { redis?: Redis; rest?: Pick<DiscordRest, "post">; transport?: Transport; drainerId?: string; policy?: Partial<TransactionsPolicy> } = {},
    ): OutboxDrainer {
      const redis = options.redis ?? world.redis;
      const drainer = createOutboxDrainer({
        redis,
        keys: world.keys,
        rest: options.rest ?? restClient(redis, options.transport),
        channelId,
        log,
        policy: { ...quickPolicy, ...options.policy },
        drainerId: options.drainerId,
      });
      drainers.push(drainer);
      return drainer;
    },
    async messages(): Promise<ChannelMessage[]> {
      return (await world.emu.control<{ messages: ChannelMessage[] }>(`channels/${channelId}/messages`)).messages;
    },
    async contents(): Promise<string[]> {
      return (await this.messages()).map((message) => message.content);
    },
    /** Entries not yet posted (XDEL removes each once the channel has it). */
    backlog: (redis: Redis = world.redis) => redis.xlen(world.keys.outbox),
    async close() {
      await Promise.all(drainers.map((drainer) => drainer.stop()));
      await Promise.all(rests.map((rest) => rest.close()));
    },
  };
}

/** Polls until `check` holds, failing after `timeoutMs` with what it last saw. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
