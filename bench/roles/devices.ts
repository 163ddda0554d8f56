import type { TokenStore } from "@/lib/auth/token-store";
import { mapLimit } from "../shared/kit";
import { setupConcurrency, signInSession, type SignedInUser } from "../shared/users";

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
    return { ...user, username: `${user.username}_phone`, ...(await signInSession(options.emulatorUrl, options.tokens, user.userId)) };
  });
}
