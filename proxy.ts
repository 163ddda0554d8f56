import { NextResponse, type NextRequest } from "next/server";
import { csrfCookieName, csrfCookieToSet } from "@/lib/auth/csrf";
import { getEnv } from "@/lib/env";
import { contentSecurityPolicy, createNonce } from "@/lib/security/csp";

/**
 * Sets the per-request CSP nonce on every page. Next.js reads the nonce
 * from the request's CSP header and puts it on the scripts it renders.
 * Also gives a page request next-auth's CSRF cookie when it has no valid
 * one, on the request (the page renders its token into the log in and sign
 * out forms) and on the response (the browser sends it back with the form).
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const env = getEnv();
  const csrfCookie = await csrfCookieToSet(request.cookies.get(csrfCookieName(env.NEXTAUTH_URL))?.value, env.NEXTAUTH_URL, env.NEXTAUTH_SECRET);
  if (csrfCookie) request.cookies.set(csrfCookie.name, csrfCookie.value);
  const nonce = createNonce();
  const policy = contentSecurityPolicy({
    nonce,
    development: env.NODE_ENV === "development",
    https: request.nextUrl.protocol === "https:",
    discordOrigin: new URL(env.DISCORD_API_BASE).origin,
    cdnOrigin: new URL(env.DISCORD_CDN_BASE).origin,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  if (csrfCookie) response.cookies.set(csrfCookie.name, csrfCookie.value, csrfCookie.options);
  if (request.nextUrl.protocol === "https:") response.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
