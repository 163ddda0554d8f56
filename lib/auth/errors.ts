/** Why a session ended; each has a sentence on the login page. */
export type SessionEndReason = "session_expired" | "left_server";

export const sessionEndMessages: Record<SessionEndReason, string> = {
  session_expired: "Your Discord login expired or was revoked. Please log in again.",
  left_server: "You left the SAFA Discord server, so you were signed out. Join it again, then log in.",
};

/** The user's Discord login is gone (refresh refused, revoked, logged out, or they left the server): they must log in again. */
export class SessionExpiredError extends Error {
  override name = "SessionExpiredError";
  constructor(readonly reason: SessionEndReason = "session_expired") {
    super(sessionEndMessages[reason]);
  }
}
