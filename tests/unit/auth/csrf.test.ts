import NextAuth from "next-auth";
import DiscordProvider from "next-auth/providers/discord";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfCookieName, csrfCookieToSet, csrfTokenOf, mintCsrfCookie } from "@/lib/auth/csrf";

const secret = "integration-test-secret-0123456789abcdef";
const httpUrl = "http://127.0.0.1:3100";
const authorizeUrl = "http://discord.test/oauth2/authorize";

type Posted = { status: number; location: string; cookies: string[] };

/**
 * A form post to next-auth's own handler (its pages-API entry, which needs
 * no Next.js request context), as the login and sign-out forms send it: the
 * real double-submit check and the real answer, with no network.
 */
async function postForm(action: "signin" | "signout", body: Record<string, string>, cookies: Record<string, string>): Promise<Posted> {
  const posted: Posted = { status: 200, location: "", cookies: [] };
  const headers = new Map<string, string | string[]>();
  const response = {
    status(code: number) {
      posted.status = code;
      return response;
    },
    setHeader(name: string, value: string | string[]) {
      headers.set(name.toLowerCase(), value);
      return response;
    },
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    end: () => undefined,
    send: () => undefined,
    json: () => undefined,
  };
  const request = { method: "POST", query: { nextauth: action === "signin" ? ["signin", "discord"] : ["signout"] }, body, cookies, headers: { host: "127.0.0.1:3100" } };
  const handler = NextAuth({
    secret,
    providers: [DiscordProvider({ clientId: "1400000000000000001", clientSecret: "s", authorization: { url: authorizeUrl, params: { scope: "identify" } }, checks: ["state", "pkce"] })],
    logger: { error: () => undefined, warn: () => undefined, debug: () => undefined },
  }) as unknown as (req: unknown, res: unknown) => Promise<void>;
  await handler(request, response);
  posted.location = String(headers.get("location") ?? "");
  const setCookie = headers.get("set-cookie");
  posted.cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return posted;
}

let savedUrl: string | undefined;
beforeAll(() => {
  savedUrl = process.env.NEXTAUTH_URL;
  process.env.NEXTAUTH_URL = httpUrl;
});
afterAll(() => {
  if (savedUrl === undefined) delete process.env.NEXTAUTH_URL;
  else process.env.NEXTAUTH_URL = savedUrl;
});

describe("the CSRF cookie", () => {
  it("is named as next-auth names it: __Host- on https, plain on http", () => {
    expect(csrfCookieName(httpUrl)).toBe("next-auth.csrf-token");
    expect(csrfCookieName("https://dashboard.example.org")).toBe("__Host-next-auth.csrf-token");
  });

  it("minted here, is accepted by next-auth: the login form's post goes on to Discord with the state and PKCE cookies", async () => {
    const cookie = await mintCsrfCookie(httpUrl, secret);
    const token = await csrfTokenOf(cookie.value, secret);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const posted = await postForm("signin", { csrfToken: token ?? "", callbackUrl: "/" }, { [cookie.name]: cookie.value });
    expect(posted.status).toBe(302);
    expect(posted.location.startsWith(`${authorizeUrl}?`)).toBe(true);
    expect(posted.cookies.some((value) => value.startsWith("next-auth.state="))).toBe(true);
    expect(posted.cookies.some((value) => value.startsWith("next-auth.pkce.code_verifier="))).toBe(true);
    expect(cookie.options).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
    expect((await mintCsrfCookie("https://dashboard.example.org", secret)).options.secure).toBe(true);
  });

  it("a form whose token does not match the cookie is sent back to the login page, not to Discord", async () => {
    const cookie = await mintCsrfCookie(httpUrl, secret);
    const forged = await postForm("signin", { csrfToken: "0".repeat(64), callbackUrl: "/" }, { [cookie.name]: cookie.value });
    expect(forged.status).toBe(302);
    expect(forged.location).toBe(`${httpUrl}/api/auth/signin?csrf=true`);
    const noCookie = await postForm("signin", { csrfToken: (await csrfTokenOf(cookie.value, secret)) ?? "", callbackUrl: "/" }, {});
    expect(noCookie.location).toBe(`${httpUrl}/api/auth/signin?csrf=true`);
  });

  it("minted here, lets the sign-out form through: the session cookie is cleared and the browser goes home", async () => {
    const cookie = await mintCsrfCookie(httpUrl, secret);
    const posted = await postForm("signout", { csrfToken: (await csrfTokenOf(cookie.value, secret)) ?? "", callbackUrl: "/" }, { [cookie.name]: cookie.value, "next-auth.session-token": "x" });
    expect(posted.status).toBe(302);
    expect(posted.location).toBe(`${httpUrl}/`);
    expect(posted.cookies.some((value) => value.startsWith("next-auth.session-token=;"))).toBe(true);
  });

  it("minted by next-auth, is read here: the page renders the token next-auth checks", async () => {
    const issued = await postForm("signin", { csrfToken: "", callbackUrl: "/" }, {});
    const value = decodeURIComponent(issued.cookies.find((entry) => entry.startsWith("next-auth.csrf-token="))?.split(";")[0]?.split("=")[1] ?? "");
    const token = await csrfTokenOf(value, secret);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const posted = await postForm("signin", { csrfToken: token ?? "", callbackUrl: "/" }, { "next-auth.csrf-token": value });
    expect(posted.location.startsWith(`${authorizeUrl}?`)).toBe(true);
  });

  it("is refused when missing, malformed, or signed with another secret", async () => {
    const cookie = await mintCsrfCookie(httpUrl, "another-secret-0123456789abcdef0123456789");
    expect(await csrfTokenOf(undefined, secret)).toBeNull();
    expect(await csrfTokenOf("", secret)).toBeNull();
    expect(await csrfTokenOf("abc", secret)).toBeNull();
    expect(await csrfTokenOf(`${cookie.value}|extra`, secret)).toBeNull();
    expect(await csrfTokenOf(cookie.value, secret)).toBeNull();
    const [token] = cookie.value.split("|");
    expect(await csrfTokenOf(`${token}|${"0".repeat(64)}`, secret)).toBeNull();
  });

  it("is replaced only when the request's own is not valid", async () => {
    const valid = await mintCsrfCookie(httpUrl, secret);
    expect(await csrfCookieToSet(valid.value, httpUrl, secret)).toBeNull();
    const fresh = await csrfCookieToSet("forged|value", httpUrl, secret);
    expect(fresh?.name).toBe("next-auth.csrf-token");
    expect(await csrfTokenOf(fresh?.value, secret)).not.toBeNull();
    expect(fresh?.value).not.toBe((await csrfCookieToSet(undefined, httpUrl, secret))?.value);
  });
});
