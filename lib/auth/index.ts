import "server-only";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import type { OAuthConfig } from "./discord-oauth";
import { createTokenStore, type TokenStore } from "./token-store";

export function oauthConfig(): OAuthConfig {
  const env = getEnv();
  return { apiBase: env.DISCORD_API_BASE, clientId: env.DISCORD_CLIENT_ID, clientSecret: env.DISCORD_CLIENT_SECRET };
}

const globalForTokens = globalThis as unknown as { safaTokenStore?: TokenStore };

/** The token store of this process, on the shared Redis connection. */
export function getTokenStore(): TokenStore {
  globalForTokens.safaTokenStore ??= createTokenStore({ redis: getRedis(), secret: getEnv().NEXTAUTH_SECRET, oauth: oauthConfig() });
  return globalForTokens.safaTokenStore;
}
