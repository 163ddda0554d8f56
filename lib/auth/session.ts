import "server-only";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { cache } from "react";
import { getEnv } from "@/lib/env";

export type SessionUser = { id: string; name: string; sessionId: string };

export const sessionCookieNames = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/**
 * Who is signed in, read from next-auth's encrypted session cookie. Read
 * directly (not through `getServerSession`) because the session id must stay
 * server-side and never reach the browser's `/api/auth/session`.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const store = await cookies();
  const raw = sessionCookieNames.map((name) => store.get(name)?.value).find((value) => value !== undefined);
  if (!raw) return null;
  const token = await decode({ token: raw, secret: getEnv().NEXTAUTH_SECRET }).catch(() => null);
  if (!token?.sub || typeof token.sid !== "string") return null;
  return { id: token.sub, name: typeof token.name === "string" ? token.name : "player", sessionId: token.sid };
});
