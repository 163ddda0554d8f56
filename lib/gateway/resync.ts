import { randomBytes } from "node:crypto";
import { GatewayDispatchEvents, GatewayOpcodes, type GatewayDispatchPayload, type GatewayRequestGuildMembers } from "discord-api-types/v10";
import type { Logger } from "pino";
import type { MirrorOp } from "./mirror-ops";

export type ResyncOptions = {
  guildId: string;
  /** Sends op 8 on the Gateway connection. */
  send: (payload: GatewayRequestGuildMembers) => Promise<void>;
  /** Queues a step for the mirror, after every dispatch already queued. */
  enqueue: (op: MirrorOp) => void;
  timeoutMs: number;
  log: Logger;
};

export type Resync = ReturnType<typeof createResync>;

/**
 * A full resync: op 8 for every member (`query: ""`, `limit: 0`), whose
 * GUILD_MEMBERS_CHUNK dispatches are counted by `chunk_index` until
 * `chunk_count`; the mirror then forgets whoever no chunk or event
 * confirmed. Discord answers a second all-members request within 30 s with
 * RATE_LIMITED: the request is sent again after `retry_after`. A request
 * not finished in `timeoutMs` (a lost connection) is sent again.
 */
export function createResync(options: ResyncOptions) {
  let nonce: string | null = null;
  let received = new Set<number>();
  let timer: NodeJS.Timeout | undefined;

  function arm(delayMs: number, action: () => void): void {
    clearTimeout(timer);
    timer = setTimeout(action, delayMs);
    timer.unref();
  }

  function request(): void {
    nonce = randomBytes(8).toString("hex");
    received = new Set();
    const payload: GatewayRequestGuildMembers = { op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: options.guildId, query: "", limit: 0, nonce } };
    options.send(payload).catch((error: unknown) => options.log.warn({ err: (error as Error).message }, "members request not sent; will retry"));
    arm(options.timeoutMs, () => {
      options.log.warn({ nonce, chunks: received.size }, "members request unfinished; asking again");
      request();
    });
  }

  return {
    /** Starts (or restarts) a resync: the mirror marks it running, then every member is requested. */
    start(): void {
      options.enqueue({ t: "resync-begin" });
      request();
    },
    running(): boolean {
      return nonce !== null;
    },
    /** Steps to apply right after this dispatch's own: the finish once the last chunk is in. */
    observe(payload: GatewayDispatchPayload): MirrorOp[] {
      if (nonce === null) return [];
      if (payload.t === GatewayDispatchEvents.GuildMembersChunk && payload.d.nonce === nonce) {
        received.add(payload.d.chunk_index);
        if (received.size < payload.d.chunk_count) return [];
        options.log.info({ chunks: payload.d.chunk_count }, "members resync received");
        nonce = null;
        clearTimeout(timer);
        return [{ t: "resync-finish" }];
      }
      if (payload.t === GatewayDispatchEvents.RateLimited && payload.d.opcode === GatewayOpcodes.RequestGuildMembers && payload.d.meta.nonce === nonce) {
        const waitMs = Math.ceil(payload.d.retry_after * 1_000);
        options.log.info({ waitMs }, "members request rate limited; waiting");
        arm(waitMs, request);
      }
      return [];
    },
    stop(): void {
      nonce = null;
      clearTimeout(timer);
    },
  };
}
