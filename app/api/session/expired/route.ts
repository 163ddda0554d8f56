import { otherMethods } from "@/lib/api/method-not-allowed";
import { endExpiredSession } from "@/lib/auth/expired-session";

export const dynamic = "force-dynamic";

/** Where the dashboard sends a user whose Discord login is gone: forget the session cookie, then the login page says why. */
export async function GET(request: Request): Promise<Response> {
  await endExpiredSession();
  return Response.redirect(new URL("/?error=session_expired", request.url), 303);
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
