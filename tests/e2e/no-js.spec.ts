import { expect, test, type Page } from "@playwright/test";
import { authorizeAs, clearApiRateLimits, emulatorUrl, resetEmulator } from "./support";

/**
 * Log in and sign out are plain forms with the server's CSRF token: they
 * work the moment the page appears and with JavaScript off. And the app
 * has one address: a page opened under another host name is sent to
 * NEXTAUTH_URL's before any cookie is set, so the login works from either.
 */
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const appUrl = `http://127.0.0.1:${appPort}`;

test.beforeEach(async () => {
  await resetEmulator();
  clearApiRateLimits();
});

async function expectDashboard(page: Page): Promise<void> {
  await expect(page.getByText("Signed in as")).toBeVisible();
  expect(page.url().startsWith(`${appUrl}/`)).toBe(true);
}

test("a login pressed before the page's scripts have loaded reaches Discord's authorize page and ends on the dashboard", async ({ page }) => {
  // The page's scripts are held back until Discord's page is reached, so the press can only work as a plain form.
  let release = () => {};
  const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await scriptsHeld;
    await route.continue().catch(() => undefined);
  });
  await page.goto("/", { waitUntil: "commit" });
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${emulatorUrl}/`));
  release();
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await authorizeAs(page, "freeagent");
  await expectDashboard(page);
});

test("a login clicked the moment the button appears, scripts loading as they come, ends on the dashboard", async ({ page }) => {
  await page.goto("/", { waitUntil: "commit" });
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await authorizeAs(page, "player");
  await expectDashboard(page);
});

test("with JavaScript off, the login reaches Discord and ends on the dashboard, and sign out works", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${emulatorUrl}/`));
  await authorizeAs(page, "manager");
  await expectDashboard(page);
  expect((await context.cookies()).some((cookie) => cookie.name === "next-auth.session-token")).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();
  expect(page.url()).toBe(`${appUrl}/`);
  expect((await context.cookies()).some((cookie) => cookie.name === "next-auth.session-token")).toBe(false);
  await context.close();
});

for (const host of ["localhost", "127.0.0.1"]) {
  test(`a login started at http://${host}:${appPort} ends on the dashboard`, async ({ page }) => {
    await page.goto(`http://${host}:${appPort}/`);
    expect(new URL(page.url()).hostname).toBe("127.0.0.1");
    await page.getByRole("button", { name: "Log in with Discord" }).click();
    await authorizeAs(page, "freeagent");
    await expectDashboard(page);
  });
}

test("another host name: pages are sent to the public URL with their path and query, posts refused with a sentence, health answered", async ({ request }) => {
  const other = `http://localhost:${appPort}`;
  const page = await request.get(`${other}/?error=AccessDenied`, { maxRedirects: 0 });
  expect(page.status()).toBe(308);
  expect(page.headers().location).toBe(`${appUrl}/?error=AccessDenied`);
  const post = await request.post(`${other}/api/auth/signin/discord`, { form: { csrfToken: "x", callbackUrl: "/" }, maxRedirects: 0, failOnStatusCode: false });
  expect(post.status()).toBe(421);
  expect(await post.json()).toMatchObject({ error: "misdirected_request", message: expect.stringContaining(appUrl) });
  expect((await request.get(`${other}/api/health`)).status()).toBe(200);
});
