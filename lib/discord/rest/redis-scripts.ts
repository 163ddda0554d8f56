import type { Redis } from "ioredis";
import { restAcquireLua } from "../../redis/scripts/rest-acquire";
import { restEgressRecordLua } from "../../redis/scripts/rest-egress-record";
import { restInspectLua } from "../../redis/scripts/rest-inspect";
import { restReleaseLua } from "../../redis/scripts/rest-release";
import { restSettleLua } from "../../redis/scripts/rest-settle";

type ScriptArg = string | number;

/** The commands `defineCommand` adds; ioredis cannot type them itself. */
export type RestScriptCommands = {
  restAcquire(...args: ScriptArg[]): Promise<unknown>;
  restSettle(...args: ScriptArg[]): Promise<unknown>;
  restRelease(...args: ScriptArg[]): Promise<unknown>;
  restInspect(...args: ScriptArg[]): Promise<unknown>;
  restEgressRecord(...args: ScriptArg[]): Promise<unknown>;
};

const definitions = {
  restAcquire: { lua: restAcquireLua, numberOfKeys: 8 },
  restSettle: { lua: restSettleLua, numberOfKeys: 10 },
  restRelease: { lua: restReleaseLua, numberOfKeys: 2 },
  restInspect: { lua: restInspectLua, numberOfKeys: 7, readOnly: true },
  restEgressRecord: { lua: restEgressRecordLua, numberOfKeys: 2 },
} as const;

/**
 * Registers the REST scripts on a connection once (ioredis then calls them by
 * SHA and reloads them after a Redis restart). Safe to call for every client
 * created on a shared connection.
 */
export function registerRestScripts(redis: Redis): RestScriptCommands {
  for (const [name, definition] of Object.entries(definitions)) {
    if (!(name in redis)) redis.defineCommand(name, definition);
  }
  return redis as unknown as RestScriptCommands;
}
