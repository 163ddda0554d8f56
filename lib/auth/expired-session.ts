import "server-only";
import { cookies } from "next/headers";
import { getTokenStore } from "./index";
import { getCurrentUser, sessionCookieNames } from "./session";

/**
 * Clears the session cookie, but only when the session's Discord tokens are
 * really gone (refused, revoked or logged out): a link from another site to
 * this address cannot sign anyone out of a working session.
 */
export async function endExpiredSession(): Promise<void> {
  const user = await getCurrentUser();
  if (!user) return;
  if ((await getTokenStore().read(user.sessionId)) !== null) return;
  const store = await cookies();
  for (const name of sessionCookieNames) store.delete(name);
}
