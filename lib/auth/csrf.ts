/**
 * next-auth's CSRF check is a double submit: a cookie holding
 * `token|sha256(token + secret)` (hex) and the same token in the posted
 * form. next-auth issues that cookie only from its own routes, but our log
 * in and sign out are plain HTML forms that must work before any script
 * runs, so the page request itself must bring the cookie whose token the
 * form repeats: the proxy (proxy.ts) mints one, with next-auth's recipe,
 * when a page request has none that is valid, and the page renders the
 * token it reads from that cookie. Web Crypto only, so this runs anywhere
 * Next.js runs the proxy.
 */

export type CsrfCookie = {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean };
};

/** next-auth's name for the cookie: `__Host-` when NEXTAUTH_URL is https (its `useSecureCookies` default), plain otherwise. */
export function csrfCookieName(publicUrl: string): string {
  return isHttps(publicUrl) ? "__Host-next-auth.csrf-token" : "next-auth.csrf-token";
}

function isHttps(publicUrl: string): boolean {
  return new URL(publicUrl).protocol === "https:";
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function tokenHash(token: string, secret: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${token}${secret}`)));
}

/** Compares in time independent of where the strings differ (both are hex digests of one length). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index += 1) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/** The token of a cookie next-auth will accept with this secret, or null for a missing, malformed or forged one. */
export async function csrfTokenOf(cookieValue: string | undefined, secret: string): Promise<string | null> {
  const [token, hash, ...rest] = (cookieValue ?? "").split("|");
  if (!token || !hash || rest.length > 0) return null;
  return sameText(hash, await tokenHash(token, secret)) ? token : null;
}

/** A fresh cookie as next-auth would issue it: 32 random bytes as hex, and their hash with the secret. */
export async function mintCsrfCookie(publicUrl: string, secret: string): Promise<CsrfCookie> {
  const token = hex(crypto.getRandomValues(new Uint8Array(32)));
  return {
    name: csrfCookieName(publicUrl),
    value: `${token}|${await tokenHash(token, secret)}`,
    options: { httpOnly: true, sameSite: "lax", path: "/", secure: isHttps(publicUrl) },
  };
}

/** The cookie a page request must be given, or null when the one it brought is valid. */
export async function csrfCookieToSet(cookieValue: string | undefined, publicUrl: string, secret: string): Promise<CsrfCookie | null> {
  return (await csrfTokenOf(cookieValue, secret)) === null ? mintCsrfCookie(publicUrl, secret) : null;
}
