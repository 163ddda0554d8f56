import "server-only";
import { cookies } from "next/headers";
import { getEnv } from "@/lib/env";
import { csrfCookieName, csrfTokenOf } from "./csrf";

/**
 * The CSRF token a server-rendered login or sign-out form carries: the one
 * in this request's cookie, which the proxy made sure is valid (it mints
 * one when the browser brought none). Empty only on a request the proxy
 * skipped (a prefetch); next-auth then refuses the post and its redirect
 * back to the login page sets a fresh cookie, so the next press works.
 */
export async function pageCsrfToken(): Promise<string> {
  const env = getEnv();
  const value = (await cookies()).get(csrfCookieName(env.NEXTAUTH_URL))?.value;
  return (await csrfTokenOf(value, env.NEXTAUTH_SECRET)) ?? "";
}
