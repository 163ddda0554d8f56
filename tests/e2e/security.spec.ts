import { expect, test } from "@playwright/test";
import { logIn } from "./support";

test("pages carry the security headers and run under the CSP without violations", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|CSP/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/");
  const headers = response?.headers() ?? {};
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-powered-by"]).toBeUndefined();

  await logIn(page, "player");
  await expect(page.locator('[data-view="player"]')).toBeVisible();
  expect(violations).toEqual([]);
});

test("the session cookie is HttpOnly and SameSite=Lax", async ({ page, context }) => {
  await logIn(page, "freeagent");
  const cookie = (await context.cookies()).find((entry) => entry.name.endsWith("next-auth.session-token"));
  expect(cookie).toBeDefined();
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
});

test("after login the app never redirects to another site", async ({ page }) => {
  await logIn(page, "freeagent");
  const response = await page.request.get("/api/auth/signin/discord?callbackUrl=https%3A%2F%2Fevil.example%2Fsteal", { maxRedirects: 0 });
  const location = response.headers()["location"] ?? "";
  expect(location).not.toContain("evil.example");
});
