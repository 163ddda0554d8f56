import { randomUUID } from "node:crypto";
import type { TokenStore } from "@/lib/auth/token-store";
import { grantTokens } from "../shared/emulator";
import { fixture } from "../shared/fixture";
import { mapLimit } from "../shared/kit";
import type { SignedInUser } from "../shared/users";

/** Control calls in flight at once while signing the second devices in. */
const setupConcurrency = 16;

/** How many of `users` the storm also signs in on a second device. */
export function secondDeviceCount(users: number, share: number): number {
  return Math.round(users * share);
}

/**
 * Signs the first `secondDeviceCount` users in again, as a second device
 * would (a phone beside the laptop): a second login, so a second session and
 * a second access token for the same Discord user. Discord keeps the member
 * lookup's bucket per user, so both devices spend one budget.
 */
export async function signInSecondDevices(options: { emulatorUrl: string; tokens: TokenStore; users: readonly SignedInUser[]; share: number }): Promise<SignedInUser[]> {
  const owners = options.users.slice(0, secondDeviceCount(options.users.length, options.share));
  return mapLimit(owners, setupConcurrency, async (user) => {
    const granted = await grantTokens(options.emulatorUrl, user.userId);
    const sessionId = randomUUID();
    await options.tokens.save(sessionId, {
      accessToken: granted.access_token,
      refreshToken: granted.refresh_token,
      expiresAt: Date.now() + granted.expires_in * 1_000,
      scope: fixture.scope,
      userId: user.userId,
    });
    return { ...user, username: `${user.username}_phone`, sessionId, accessToken: granted.access_token };
  });
}
