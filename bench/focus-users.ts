import { randomUUID } from "node:crypto";
import type { TokenStore } from "@/lib/auth/token-store";
import { fixture } from "./focus-config";
import type { EmulatorControl } from "./focus-emulator";
import { mapLimit } from "./kit";

export type SignedInUser = { userId: string; username: string; sessionId: string; accessToken: string };

/** Control calls in flight at once while setting users up; the emulator answers them in memory. */
const setupConcurrency = 16;

/**
 * Creates `count` members (updated-profile + free-agent) at the emulator,
 * gives each fresh tokens and stores them under a new session id with the
 * app's token store, as the login callback does.
 */
export async function signInUsers(emulator: EmulatorControl, tokens: TokenStore, count: number, prefix: string): Promise<SignedInUser[]> {
  return mapLimit(
    Array.from({ length: count }, (_, index) => `${prefix}_${index}`),
    setupConcurrency,
    async (username) => {
      const user = await emulator.createMember(username);
      const granted = await emulator.tokens(user.id);
      const sessionId = randomUUID();
      await tokens.save(sessionId, {
        accessToken: granted.access_token,
        refreshToken: granted.refresh_token,
        expiresAt: Date.now() + granted.expires_in * 1_000,
        scope: fixture.scope,
        userId: user.id,
      });
      return { userId: user.id, username, sessionId, accessToken: granted.access_token };
    },
  );
}
