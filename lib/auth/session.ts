import "server-only";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { moduleLogger } from "@/lib/log";
import { isRedisUnavailable } from "@/lib/redis/connection";
import { sessionEndMessages, type SessionEndReason } from "./errors";
import { getTokenStore } from "./index";

const log = moduleLogger("session");

export type SessionUser = {
  id: string;
  name: string;
  sessionId: string;
  /**
   * False when Redis could not be asked whether the session still exists.
   * Reads then go ahead (they are answered from what the process holds);
   * anything that changes state refuses with a 503.
   */
  verified: boolean;
};

/** What the cookie says: nobody, a live session, or a session that ended server-side (logout, refused grant, left the server). */
export type SessionState = { kind: "none" } | { kind: "ended" } | { kind: "signed-in"; user: SessionUser };

/**
 * The one cookie name next-auth sets for this deployment: `__Secure-` on
 * https (next-auth's default whenever NEXTAUTH_URL is https), the plain name
 * otherwise. Only that name is read, so a plain cookie planted over http (or
 * by a sibling subdomain) cannot sign a victim in as someone else on https.
 */
export function sessionCookieName(): string {
  return new URL(getEnv().NEXTAUTH_URL).protocol === "https:" ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/**
 * Remembers for a few minutes why a session ended, after its cookie is
 * gone: a tab that reloads right after an API call ended the session still
 * lands on the sentence saying why (read and cleared by /api/session/expired).
 */
export const sessionEndedCookie = { name: "safa-session-ended", maxAgeSeconds: 300 } as const;

function cookieAttributes(name: string): string {
  return `Path=/; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") || new URL(getEnv().NEXTAUTH_URL).protocol === "https:" ? "; Secure" : ""}`;
}

/** `Set-Cookie` values that make the browser forget the session cookie and remember why. */
export function endedSessionCookies(reason: SessionEndReason): string[] {
  const name = sessionCookieName();
  return [`${name}=; Max-Age=0; ${cookieAttributes(name)}`, `${sessionEndedCookie.name}=${reason}; Max-Age=${sessionEndedCookie.maxAgeSeconds}; ${cookieAttributes(name)}`];
}

/** Why a session recently ended, from the marker `endedSessionCookies` leaves (null when none, or not one of ours). */
export async function recentlyEndedReason(): Promise<SessionEndReason | null> {
  const value = (await cookies()).get(sessionEndedCookie.name)?.value;
  return value !== undefined && Object.hasOwn(sessionEndMessages, value) ? (value as SessionEndReason) : null;
}

/**
 * Who is signed in, read from next-auth's encrypted session cookie and
 * checked against the server-side session (the encrypted Discord tokens in
 * Redis): a cookie that still decrypts is worth nothing once its session has
 * ended. Read directly (not through `getServerSession`) because the session
 * id must stay server-side and never reach the browser's `/api/auth/session`.
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const store = await cookies();
  const raw = store.get(sessionCookieName())?.value;
  if (!raw) return { kind: "none" };
  const token = await decode({ token: raw, secret: getEnv().NEXTAUTH_SECRET }).catch(() => null);
  if (!token?.sub || typeof token.sid !== "string") return { kind: "ended" };
  const user = { id: token.sub, name: typeof token.name === "string" ? token.name : "player", sessionId: token.sid };
  try {
    if (!(await getTokenStore().alive(user.sessionId))) return { kind: "ended" };
    return { kind: "signed-in", user: { ...user, verified: true } };
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    log.warn("session not verified: redis unavailable");
    return { kind: "signed-in", user: { ...user, verified: false } };
  }
});

/** The signed-in user, or null (no cookie, or a session that has ended). */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const state = await getSessionState();
  return state.kind === "signed-in" ? state.user : null;
}
