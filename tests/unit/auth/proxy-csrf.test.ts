import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { readEnvExample } from "../../../scripts/env-example";
import { csrfTokenOf } from "@/lib/auth/csrf";
import type * as ProxyModule from "@/proxy";

/**
 * The page proxy as Next.js calls it: a page request without a valid CSRF
 * cookie leaves with one, and the page (which reads the request's cookies)
 * sees the same value the browser is given.
 */
const publicUrl = "http://127.0.0.1:3100";
let proxy: typeof ProxyModule.proxy;
let secret: string;

beforeAll(async () => {
  const example = readEnvExample();
  secret = example.NEXTAUTH_SECRET ?? "";
  Object.assign(process.env, { ...example, NEXTAUTH_URL: publicUrl, SAFA_DEMO_MODE: "1", LOG_LEVEL: "silent" });
  ({ proxy } = await import("@/proxy"));
});

function pageRequest(cookie?: string): NextRequest {
  return new NextRequest(`${publicUrl}/`, { headers: cookie ? { cookie } : {} });
}

/** The cookie header Next.js hands the page after the proxy (it overrides the request's headers). */
function cookieSeenByPage(response: Response): string {
  return response.headers.get("x-middleware-request-cookie") ?? "";
}

describe("the page proxy's CSRF cookie", () => {
  it("gives a first visit a valid cookie, on the response and on the request the page reads", async () => {
    const response = await proxy(pageRequest());
    const set = response.cookies.get("next-auth.csrf-token");
    expect(set).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(await csrfTokenOf(set?.value, secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(decodeURIComponent(cookieSeenByPage(response))).toContain(`next-auth.csrf-token=${set?.value ?? "missing"}`);
  });

  it("keeps a valid cookie, so a page left open and the form on it stay in step", async () => {
    const first = (await proxy(pageRequest())).cookies.get("next-auth.csrf-token")?.value ?? "";
    const again = await proxy(pageRequest(`next-auth.csrf-token=${encodeURIComponent(first)}; other=1`));
    expect(again.cookies.get("next-auth.csrf-token")).toBeUndefined();
  });

  it("replaces a forged or stale cookie", async () => {
    const response = await proxy(pageRequest("next-auth.csrf-token=forged%7C00"));
    const set = response.cookies.get("next-auth.csrf-token");
    expect(await csrfTokenOf(set?.value, secret)).not.toBeNull();
  });
});
