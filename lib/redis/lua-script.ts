import type { Redis } from "ioredis";

/** A value a script receives in ARGV; Redis hands every one to Lua as a string. */
export type ScriptArg = string | number;

/**
 * A Lua script of the app. Each lives in its own module under
 * `lib/redis/scripts/`, headed by its KEYS/ARGV list. Its inputs are named:
 * `keys` and `args` list the names in the order Redis receives them, and the
 * Lua text starts by binding each name to a local, so a body reads
 * `teamKey`, never `KEYS[5]`.
 */
export type LuaScript<K extends string = string, A extends string = string> = {
  /** The command it is registered as on each connection. */
  readonly name: string;
  readonly keys: readonly K[];
  readonly args: readonly A[];
  /** The text sent to Redis: the locals naming the inputs, then the body. */
  readonly lua: string;
  /** Writes nothing; ioredis may then send it to a replica. */
  readonly readOnly: boolean;
};

/** What a call passes: every key and every argument by name. */
export type ScriptInput<K extends string, A extends string> = {
  keys: Readonly<Record<K, string>>;
  args: Readonly<Record<A, ScriptArg>>;
};

export type ScriptSpec<K extends string, A extends string> = {
  name: string;
  keys: readonly K[];
  args: readonly A[];
  /** Lua that reads the inputs by their names. */
  body: string;
  readOnly?: boolean;
};

const luaName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds a script from its named inputs. The positions are computed here,
 * once: a composed script (`actionCommitScript`) lists its parts' names one
 * after the other and never counts offsets by hand.
 */
export function luaScript<const K extends string, const A extends string>(spec: ScriptSpec<K, A>): LuaScript<K, A> {
  const names = [...spec.keys, ...spec.args];
  for (const name of names) {
    if (!luaName.test(name)) throw new Error(`script ${spec.name}: input ${name} is not a Lua name`);
  }
  if (new Set(names).size !== names.length) throw new Error(`script ${spec.name}: an input is named twice`);
  const locals = [
    ...spec.keys.map((name, index) => `local ${name} = KEYS[${index + 1}]`),
    ...spec.args.map((name, index) => `local ${name} = ARGV[${index + 1}]`),
  ];
  return {
    name: spec.name,
    keys: spec.keys,
    args: spec.args,
    lua: `${locals.join("\n")}\n${spec.body}`,
    readOnly: spec.readOnly ?? false,
  };
}

type ScriptCommand = (...args: ScriptArg[]) => Promise<unknown>;

const defined = new WeakMap<Redis, Set<string>>();

/**
 * Runs a script with its inputs by name, registering it on this connection
 * with `defineCommand` the first time, so ioredis sends EVALSHA and falls
 * back to EVAL after a Redis restart flushed its script cache.
 */
export async function runScript<K extends string, A extends string>(
  redis: Redis,
  script: LuaScript<K, A>,
  input: ScriptInput<NoInfer<K>, NoInfer<A>>,
): Promise<unknown> {
  const keys = script.keys.map((name) => input.keys[name]);
  const args = script.args.map((name) => input.args[name]);
  const missing = [...script.keys.filter((_, i) => keys[i] === undefined), ...script.args.filter((_, i) => args[i] === undefined)];
  if (missing.length > 0) throw new Error(`script ${script.name} is missing ${missing.join(", ")}`);
  let names = defined.get(redis);
  if (!names) {
    names = new Set();
    defined.set(redis, names);
  }
  if (!names.has(script.name)) {
    redis.defineCommand(script.name, { numberOfKeys: script.keys.length, lua: script.lua, readOnly: script.readOnly });
    names.add(script.name);
  }
  const command = (redis as unknown as Record<string, ScriptCommand>)[script.name];
  if (!command) throw new Error(`script ${script.name} was not registered`);
  return command.call(redis, ...keys, ...args);
}
