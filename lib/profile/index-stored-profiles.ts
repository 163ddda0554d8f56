import "server-only";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { runScript } from "@/lib/redis/lua-script";
import { profileIndexClaimsScript } from "@/lib/redis/scripts/profile-index-claims";
import { eaFcIdKey, gamerTagKey, type ProductKeys } from "@/lib/actions/keys";
import { parseProfileClaims, parseStoredProfile, profileJson } from "./store";

type Deps = { redis: Redis; keys: ProductKeys; log: Logger };

/** One pass per keyspace at a time in this process; other processes may run theirs too (it is idempotent). */
const running = new Map<string, Promise<void>>();

/**
 * Backfills the gamer tag and EA FC ID indexes from the profiles stored
 * before they existed, once per Redis (a marker key records that it ran), on
 * the first profile save that needs them. Profiles saved since index
 * themselves in their commit script.
 */
export async function indexStoredProfiles(deps: Deps): Promise<void> {
  const marker = deps.keys.profileClaimsIndexed;
  if ((await deps.redis.get(marker)) !== null) return;
  let pass = running.get(marker);
  if (!pass) {
    pass = indexAll(deps).finally(() => running.delete(marker));
    running.set(marker, pass);
  }
  await pass;
}

async function indexAll({ redis, keys, log }: Deps): Promise<void> {
  const keyOf = keys.profile("");
  let cursor = "0";
  let shared = 0;
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${keyOf}*`, "COUNT", 500);
    cursor = next;
    for (const key of batch) {
      const raw = await redis.get(key);
      const profile = parseStoredProfile(raw);
      if (raw === null || profile === null || parseProfileClaims(raw) !== null) continue;
      const reply = await runScript(redis, profileIndexClaimsScript, {
        keys: { profileKey: key, gamerTagsKey: keys.gamerTags, eaFcIdsKey: keys.eaFcIds },
        args: {
          userId: key.slice(keyOf.length),
          readJson: raw,
          indexedJson: profileJson(profile, profile.updatedAt),
          gamerTagKey: gamerTagKey(profile.gamerTag),
          eaFcIdKey: eaFcIdKey(profile.eaFcId),
        },
      });
      if (reply === "shared") shared += 1;
    }
  } while (cursor !== "0");
  await redis.set(keys.profileClaimsIndexed, "1");
  log.info({ shared }, "profiles stored before gamer tags and EA FC IDs were unique are indexed");
}
