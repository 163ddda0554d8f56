import { serveMethods } from "@/lib/api/serve-methods";
import { sessionEndMessages, type SessionEndReason } from "@/lib/auth/errors";
import { endExpiredSession } from "@/lib/auth/expired-session";
import { getEnv } from "@/lib/env";

/**
 * Where the dashboard sends a user whose session has ended: forget the
 * session cookie, then the login page says why. The redirect is built on
 * the public URL (NEXTAUTH_URL), never on the address the request reached
 * (`next start` sees `http://localhost:<port>` behind a proxy).
 */
async function forgetEndedSession(request: Request): Promise<Response> {
  const remembered = await endExpiredSession();
  const asked = new URL(request.url).searchParams.get("reason");
  const reason: SessionEndReason = asked !== null && Object.hasOwn(sessionEndMessages, asked) ? (asked as SessionEndReason) : (remembered ?? "session_expired");
  return Response.redirect(new URL(`/?error=${reason}`, getEnv().NEXTAUTH_URL), 303);
}

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({ GET: forgetEndedSession });
