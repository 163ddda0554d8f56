import "server-only";
import type { ActionContext } from "@/lib/actions/context";
import type { ProfileInput } from "@/lib/profile/schema";
import { createPoolStore } from "./store";

/**
 * Keeps a pool entry in step with its player's profile after a save; a
 * player who is not in the pool stays out. Run after the profile's commit:
 * should it fail, the entry keeps the old answers until the next save or
 * switch, which a page read tolerates.
 */
export async function refreshPoolEntry(context: Pick<ActionContext, "redis" | "keys" | "now">, user: { id: string; name: string }, profile: ProfileInput): Promise<void> {
  const pool = createPoolStore(context.redis, context.keys);
  const current = await pool.entry(user.id);
  if (current === null) return;
  await pool.refresh({
    userId: user.id,
    gamerTag: profile.gamerTag,
    platform: profile.platform,
    position: profile.position,
    country: profile.country,
    name: user.name,
    since: current.since,
  });
}
