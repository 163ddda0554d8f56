import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { encode } from "next-auth/jwt";
import { createTokenStore, type TokenStore } from "@/lib/auth/token-store";
import { createMember, grantTokens } from "./emulator";
import { fixture } from "./fixture";
import { mapLimit } from "./kit";

export type SignedInUser = { index: number; userId: string; username: string; sessionId: string; accessToken: string };
export type CookieUser = SignedInUser & { cookie: string };

/** Control calls in flight at once while setting users up; the emulator answers them from memory. */
export const setupConcurrency = 16;

/** The app's own token store on `redis`, encrypting with `secret`, refreshing at the emulator. */
export function benchTokenStore(options: { redis: Redis; secret: string; emulatorUrl: string }): TokenStore {
  return createTokenStore({
    redis: options.redis,
    secret: options.secret,
    oauth: { apiBase: `${options.emulatorUrl}/api/v10`, clientId: fixture.clientId, clientSecret: fixture.clientSecret },
  });
}

/**
 * One login of `userId`, as the login callback does it: tokens from the
 * emulator's control API, saved under a new session id with the app's own
 * token store. Called again for the same user, it is a second device.
 */
export async function signInSession(emulatorUrl: string, tokens: TokenStore, userId: string): Promise<{ sessionId: string; accessToken: string }> {
  const granted = await grantTokens(emulatorUrl, userId);
  const sessionId = randomUUID();
  await tokens.save(sessionId, {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token,
    expiresAt: Date.now() + granted.expires_in * 1_000,
    scope: fixture.scope,
    userId,
  });
  return { sessionId, accessToken: granted.access_token };
}

/**
 * Signs in `count` synthetic guild members (`<prefix>_<index>`) as the login
 * callback would: tokens from the emulator's control API, saved under a new
 * session id with the app's own token store.
 */
export async function signInUsers(options: { emulatorUrl: string; tokens: TokenStore; count: number; prefix: string }): Promise<SignedInUser[]> {
  return mapLimit(
    Array.from({ length: options.count }, (_, index) => index),
    setupConcurrency,
    async (index) => {
      const username = `${options.prefix}_${index}`;
      const user = await createMember(options.emulatorUrl, username);
      return { index, userId: user.id, username, ...(await signInSession(options.emulatorUrl, options.tokens, user.id)) };
    },
  );
}

/** Each user with a next-auth session cookie `{sub, name, sid}` encrypted with the app's secret, as the login sets it. */
export async function withSessionCookies(users: readonly SignedInUser[], secret: string): Promise<CookieUser[]> {
  return Promise.all(
    users.map(async (user) => ({
      ...user,
      cookie: `next-auth.session-token=${await encode({ token: { sub: user.userId, name: user.username, sid: user.sessionId }, secret })}`,
    })),
  );
}
