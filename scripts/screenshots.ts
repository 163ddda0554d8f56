/**
 * Pictures of what a person sees, for the README: each persona's first
 * page after logging in through the emulator, the admin area, and the
 * login page after a session ended. Run against a running demo:
 *
 *   npm run demo            # in one terminal
 *   npx tsx scripts/screenshots.ts --app http://127.0.0.1:3000 --emulator http://127.0.0.1:3001
 *
 * Writes PNGs to docs/screenshots/. Uses Debian's Chromium, as the tests do.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Browser, type Page } from "@playwright/test";

const { values } = parseArgs({ options: { app: { type: "string", default: "http://127.0.0.1:3000" }, emulator: { type: "string", default: "http://127.0.0.1:3001" } } });
const appUrl = values.app;
const emulatorUrl = values.emulator;
const outDir = resolve(__dirname, "..", "docs", "screenshots");

async function logIn(page: Page, persona: string): Promise<void> {
  await page.goto(`${appUrl}/`);
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await page.waitForURL((url) => url.href.startsWith(emulatorUrl));
  await page.getByRole("button", { name: persona, exact: true }).click();
  await page.waitForURL((url) => !url.href.startsWith(emulatorUrl) && !url.pathname.startsWith("/api/auth"));
  await page.locator("[data-view]").first().waitFor();
}

async function shoot(browser: Browser, name: string, steps: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  await steps(page);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  await context.close();
  console.log(`docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"] });
  try {
    await shoot(browser, "login", (page) => page.goto(`${appUrl}/`).then(() => undefined));
    for (const persona of ["outsider", "newcomer", "freeagent", "manager"]) await shoot(browser, persona, (page) => logIn(page, persona));
    await shoot(browser, "admin", async (page) => {
      await logIn(page, "admin");
      await page.goto(`${appUrl}/admin`);
      await page.getByRole("heading", { name: "Tournament admin" }).waitFor();
    });
    await shoot(browser, "session-ended", (page) => page.goto(`${appUrl}/?error=session_expired`).then(() => undefined));
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
