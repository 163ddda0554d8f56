/** The user's Discord login is gone (refresh refused, revoked, or logged out): they must log in again. */
export class SessionExpiredError extends Error {
  override name = "SessionExpiredError";
  constructor(message = "Your Discord login expired or was revoked. Please log in again.") {
    super(message);
  }
}
