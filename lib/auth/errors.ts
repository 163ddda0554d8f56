/** Why a session ended; each has a sentence on the login page. */
export type SessionEndReason = "session_expired" | "left_server" | "missing_scope";

export const sessionEndMessages: Record<SessionEndReason, string> = {
  session_expired: "Your Discord login expired or was revoked. Please log in again.",
  left_server: "You left the SAFA Discord server, so you were signed out. Join it again, then log in.",
  missing_scope: "Discord did not let the dashboard read your roles in the SAFA server with this login. Please log in again and allow it when Discord asks.",
};

/** The user's Discord login is gone (refresh refused, revoked, logged out, they left the server, or it cannot read roles): they must log in again. */
export class SessionExpiredError extends Error {
  override name = "SessionExpiredError";
  constructor(readonly reason: SessionEndReason = "session_expired") {
    super(sessionEndMessages[reason]);
  }
}
