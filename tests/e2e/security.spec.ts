import { expect, test } from "@playwright/test";
import { clearApiRateLimits, logIn } from "./support";

test.afterEach(() => {
  clearApiRateLimits();
});

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

test("our API limits a client without a session per address, with 429 and Retry-After", async ({ request }) => {
  let limited: Awaited<ReturnType<typeof request.get>> | undefined;
  for (let attempt = 0; attempt < 200 && !limited; attempt += 1) {
    const response = await request.get("/api/roles");
    if (response.status() === 429) limited = response;
    else expect(response.status()).toBe(401);
  }
  expect(limited).toBeDefined();
  expect(Number(limited?.headers()["retry-after"])).toBeGreaterThan(0);
  expect(await limited?.json()).toMatchObject({ error: "rate_limited" });
});

test("our API limits a signed-in user who refetches in a loop", async ({ page }) => {
  await logIn(page, "newcomer");
  let status = 200;
  for (let attempt = 0; attempt < 100 && status !== 429; attempt += 1) status = (await page.request.get("/api/roles")).status();
  expect(status).toBe(429);
});

test("the OAuth state is checked: a callback with a forged state does not log in", async ({ page }) => {
  await page.goto("/api/auth/callback/discord?code=forged&state=forged");
  await expect(page).toHaveURL(/error=/);
  // Not signed in (the per-address limit of the test above may still answer first).
  const session = await page.request.get("/api/roles");
  expect([401, 429]).toContain(session.status());
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();
});
