import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { errorResponse } from "@/lib/api/errors";
import { addressSubject, limitOrOpen, throwIfLimited } from "@/lib/api/with-session";
import { getAuthOptions } from "@/lib/auth/options";
import { sessionEndedCookie } from "@/lib/auth/session";
import { readLimitedText } from "@/lib/api/read-body";

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth's routes answer anyone, so they are limited per client address
 * and their bodies (sign-in and sign-out forms) read under the same size
 * and time limits as our own API's before next-auth sees them.
 */
async function handler(request: NextRequest, context: Context): Promise<Response> {
  try {
    throwIfLimited(await limitOrOpen("auth", addressSubject(request)));
    const forwarded =
      request.method === "POST" ? new NextRequest(request.url, { method: "POST", headers: request.headers, body: await readLimitedText(request) }) : request;
    const response = (await NextAuth(getAuthOptions())(forwarded, context)) as Response;
    // A new login: forget why an earlier session ended.
    if (new URL(request.url).pathname.startsWith("/api/auth/callback/")) response.headers.append("Set-Cookie", `${sessionEndedCookie.name}=; Max-Age=0; Path=/`);
    return response;
  } catch (error) {
    return errorResponse(error);
  }
}

export { handler as GET, handler as POST };
