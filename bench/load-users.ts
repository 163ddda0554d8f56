import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { encode } from "next-auth/jwt";
import { z } from "zod";
import { createTokenStore } from "@/lib/auth/token-store";
import { fixture } from "./load-config";
import { mapLimit } from "./kit";
import { controlCall } from "./load-http";

export type LoadUser = { index: number; userId: string; username: string; cookie: string };

const createdUser = z.object({ id: z.string(), username: z.string() });
const grantedTokens = z.object({ access_token: z.string(), refresh_token: z.string(), expires_in: z.number() });

/** Control calls in flight at once; the emulator answers them from memory. */
const setupConcurrency = 16;

/**
 * Signs in `count` synthetic guild members (updated-profile and free-agent,
 * so they may create and join teams) as the login callback would: tokens
 * from the emulator's control API, saved encrypted under a new session id
 * with the app's own token store, and a next-auth session cookie
 * `{sub, name, sid}` encrypted with the app's secret.
 */
export async function signInUsers(options: { emulatorUrl: string; redis: Redis; secret: string; count: number; runId: string }): Promise<LoadUser[]> {
  const tokens = createTokenStore({
    redis: options.redis,
    secret: options.secret,
    oauth: { apiBase: `${options.emulatorUrl}/api/v10`, clientId: fixture.clientId, clientSecret: fixture.clientSecret },
  });
  return mapLimit(
    Array.from({ length: options.count }, (_, index) => index),
    setupConcurrency,
    async (index) => {
      const username = `load_${options.runId}_${index}`;
      const user = createdUser.parse(
        await controlCall(`${options.emulatorUrl}/__emulator/users`, { username, roles: [fixture.roles.updatedProfile, fixture.roles.freeAgent] }),
      );
      const granted = grantedTokens.parse(await controlCall(`${options.emulatorUrl}/__emulator/tokens`, { user_id: user.id }));
      const sessionId = randomUUID();
      await tokens.save(sessionId, {
        accessToken: granted.access_token,
        refreshToken: granted.refresh_token,
        expiresAt: Date.now() + granted.expires_in * 1_000,
        scope: fixture.scope,
        userId: user.id,
      });
      const jwt = await encode({ token: { sub: user.id, name: username, sid: sessionId }, secret: options.secret });
      return { index, userId: user.id, username, cookie: `next-auth.session-token=${jwt}` };
    },
  );
}
