import "server-only";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import type { OAuthConfig } from "./discord-oauth";
import { createTokenStore, type TokenStore } from "./token-store";

export function oauthConfig(): OAuthConfig {
  const env = getEnv();
  return { apiBase: env.DISCORD_API_BASE, clientId: env.DISCORD_CLIENT_ID, clientSecret: env.DISCORD_CLIENT_SECRET };
}

/** One per bundle layer (see lib/teams/index.ts for why not globalThis), on the process's Redis connection. */
let tokenStore: TokenStore | undefined;

export function getTokenStore(): TokenStore {
  tokenStore ??= createTokenStore({ redis: getRedis(), secret: getEnv().NEXTAUTH_SECRET, oauth: oauthConfig() });
  return tokenStore;
}
