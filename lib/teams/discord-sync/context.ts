import "server-only";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { productKeyspace, type ProductKeys } from "@/lib/actions/keys";
import { eventKeyspace, type EventKeys } from "@/lib/events/keys";
import { gatewayKeyspace, type GatewayKeys } from "@/lib/gateway/keys";
import type { RoleIds } from "@/lib/roles/view";

/**
 * What following Discord needs: the product's records, the Gateway mirror
 * (the roles as Discord has them, so no REST call is spent), and where to
 * tell open tabs. No Discord client: the dashboard only records here what
 * Discord already did.
 */
export type FollowContext = {
  redis: Redis;
  keys: ProductKeys;
  mirrorKeys: GatewayKeys;
  eventKeys: EventKeys;
  /** String: the bot's user id as the last READY gave it (a resumed session brings none). */
  botUserKey: string;
  guildId: string;
  roleIds: RoleIds;
  rosterMax: number;
  log: Logger;
  now: () => number;
  /** A transactions channel is configured: changes followed from Discord are announced there too (lib/transactions). */
  announceChanges: boolean;
};

/** A follow context over the app's keys (`safa:`), or a test's prefixes. */
export function createFollowContext(options: {
  redis: Redis;
  guildId: string;
  roleIds: RoleIds;
  rosterMax: number;
  log: Logger;
  now?: () => number;
  /** Prefix of the product's records; default `safa:`. */
  prefix?: string;
  /** The product's keys when the caller has them already (an action context); they win over `prefix`. */
  keys?: ProductKeys;
  /** Prefix of the Gateway mirror's keys; default `safa:`. */
  mirrorPrefix?: string;
  /** Prefix of the live updates' keys; default `safa:events:`. */
  eventPrefix?: string;
  /** Default false: nothing goes to the outbox. */
  announceChanges?: boolean;
}): FollowContext {
  const prefix = options.prefix ?? "safa:";
  return {
    redis: options.redis,
    keys: options.keys ?? productKeyspace(prefix),
    mirrorKeys: gatewayKeyspace(options.guildId, options.mirrorPrefix),
    eventKeys: eventKeyspace(options.eventPrefix),
    botUserKey: `${prefix}teams-follow:${options.guildId}:bot-user`,
    guildId: options.guildId,
    roleIds: options.roleIds,
    rosterMax: options.rosterMax,
    log: options.log,
    now: options.now ?? Date.now,
    announceChanges: options.announceChanges ?? false,
  };
}
