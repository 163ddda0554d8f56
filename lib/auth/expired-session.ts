import "server-only";
import { cookies } from "next/headers";
import { getSessionState, sessionCookieName } from "./session";

/**
 * Clears the session cookie, but only when its session has really ended
 * (refused, revoked, logged out, left the server): a link from another
 * site to this address cannot sign anyone out of a working session.
 */
export async function endExpiredSession(): Promise<void> {
  if ((await getSessionState()).kind !== "ended") return;
  const store = await cookies();
  store.delete(sessionCookieName());
}
