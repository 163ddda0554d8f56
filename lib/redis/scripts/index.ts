import type { Redis } from "ioredis";

/**
 * A Lua script of the app. Each lives in its own module under
 * `lib/redis/scripts/`, headed by its KEYS/ARGV list.
 */
export type LuaScript = { name: string; numberOfKeys: number; lua: string };

type ScriptCommand = (...args: (string | number)[]) => Promise<unknown>;

const defined = new WeakMap<Redis, Set<string>>();

/**
 * Runs a script, registering it on this connection with `defineCommand` the
 * first time, so ioredis sends EVALSHA and falls back to EVAL after a Redis
 * restart flushed its script cache.
 */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  if (keys.length !== script.numberOfKeys) {
    throw new Error(`script ${script.name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
  }
  let names = defined.get(redis);
  if (!names) {
    names = new Set();
    defined.set(redis, names);
  }
  if (!names.has(script.name)) {
    redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
    names.add(script.name);
  }
  const command = (redis as unknown as Record<string, ScriptCommand>)[script.name];
  if (!command) throw new Error(`script ${script.name} was not registered`);
  return command.call(redis, ...keys, ...args);
}
