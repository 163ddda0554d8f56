/** Why a session ended; each has a sentence on the login page. */
export type SessionEndReason = "session_expired" | "missing_scope";

export const sessionEndMessages: Record<SessionEndReason, string> = {
  session_expired: "Your Discord login expired or was revoked. Please log in again.",
  missing_scope: "Discord did not let the dashboard read your roles in the SAFA server with this login. Please log in again and allow it when Discord asks.",
};

/**
 * The user's Discord login is gone (refresh refused, revoked, logged out, or
 * it cannot read roles): they must log in again. Leaving the server is not
 * one of these: the user stays signed in on the join view, so they can
 * rejoin with the invite and carry on.
 */
export class SessionExpiredError extends Error {
  override name = "SessionExpiredError";
  constructor(readonly reason: SessionEndReason = "session_expired") {
    super(sessionEndMessages[reason]);
  }
}
