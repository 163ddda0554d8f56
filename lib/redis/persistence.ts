import type { Redis } from "ioredis";

/**
 * What the product requires of Redis: `appendonly yes`, so profiles, teams
 * and join requests survive a crash; `appendfsync everysec` or `always`.
 * With `everysec`, Redis writes every command to the append-only file
 * before it answers, so a crash of the Redis process (even kill -9) loses no
 * acknowledged write; only a power cut of the machine can lose the last
 * second. `no` leaves flushing to the OS and is refused here.
 * Returns the warnings to log (none when the settings are right).
 */
export async function checkPersistence(redis: Redis): Promise<string[]> {
  let settings: string[];
  try {
    settings = (await redis.call("CONFIG", "GET", "append*")) as string[];
  } catch {
    return ["could not read Redis persistence settings (CONFIG disabled?); make sure appendonly is yes"];
  }
  const values = new Map<string, string>();
  for (let index = 0; index + 1 < settings.length; index += 2) values.set(settings[index] ?? "", settings[index + 1] ?? "");
  const warnings: string[] = [];
  if (values.get("appendonly") !== "yes") warnings.push("Redis appendonly is off: profiles and teams can be lost on a crash. Set appendonly yes.");
  const fsync = values.get("appendfsync");
  if (fsync !== undefined && fsync !== "everysec" && fsync !== "always") warnings.push(`Redis appendfsync is ${fsync}: use everysec (or always).`);
  return warnings;
}
