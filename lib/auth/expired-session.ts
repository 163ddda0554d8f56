import "server-only";
import { cookies } from "next/headers";
import type { SessionEndReason } from "./errors";
import { getSessionState, recentlyEndedReason, sessionCookieName, sessionEndedCookie } from "./session";

/**
 * Clears the session cookie, but only when its session has really ended
 * (refused, revoked, logged out, left the server): a link from another
 * site to this address cannot sign anyone out of a working session. Also
 * consumes the marker saying why a session ended, and returns that reason.
 */
export async function endExpiredSession(): Promise<SessionEndReason | null> {
  const store = await cookies();
  const reason = await recentlyEndedReason();
  if (reason !== null) store.delete(sessionEndedCookie.name);
  if ((await getSessionState()).kind === "ended") store.delete(sessionCookieName());
  return reason;
}
