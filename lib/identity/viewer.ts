import "server-only";
import { productKeyspace } from "@/lib/actions/keys";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import { isRedisUnavailable } from "@/lib/redis/connection";
import { avatarUrl } from "./avatar";
import { displayNameOf } from "./identity";
import { createIdentityStore } from "./store";

/** How the header shows the signed-in user. */
export type Viewer = { name: string; avatarUrl: string };

/**
 * The signed-in user as Discord shows them now (the mirror follows renames
 * and new avatars), else by their session's name with Discord's default
 * avatar. Fails open: with Redis away the page still renders.
 */
export async function viewerIdentity(user: { id: string; name: string }): Promise<Viewer> {
  const cdnBase = getEnv().DISCORD_CDN_BASE;
  try {
    const identity = await createIdentityStore(getRedis(), productKeyspace().identities).one(user.id);
    return { name: identity ? displayNameOf(identity) : user.name, avatarUrl: avatarUrl(cdnBase, user.id, identity) };
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    return { name: user.name, avatarUrl: avatarUrl(cdnBase, user.id, null) };
  }
}
