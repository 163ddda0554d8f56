/**
 * Pictures of what a person sees, for the README: the login page, the
 * emulator's consent screen, each persona's first page after logging in,
 * the free-agent pool, a team page and the admin area, and a free agent's
 * and a manager's page with JavaScript off, each in light and dark at
 * desktop (1280 px) and phone (390 px) width. Run against a running
 * demo:
 *
 *   npm run demo            # in one terminal
 *   npx tsx scripts/screenshots.ts --app http://127.0.0.1:3000 --emulator http://127.0.0.1:3001 [--only=admin,pool]
 *
 * Writes docs/screenshots/<view>-<light|dark>-<desktop|phone>.png. Uses
 * Debian's Chromium, as the tests do.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { ROLE_IDS } from "../emulator/fixture";

const { values } = parseArgs({
  options: { app: { type: "string", default: "http://127.0.0.1:3000" }, emulator: { type: "string", default: "http://127.0.0.1:3001" }, only: { type: "string" } },
});
const appUrl = values.app;
const emulatorUrl = values.emulator;
const outDir = resolve(__dirname, "..", "docs", "screenshots");

const schemes = ["light", "dark"] as const;
const widths = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

async function startLogin(page: Page): Promise<void> {
  await page.goto(`${appUrl}/`);
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await page.waitForURL((url) => url.href.startsWith(emulatorUrl));
}

/** Cookies of each persona's one login: 48 logins a minute would trip the app's per-address limit on next-auth's routes. */
const sessions = new Map<string, Awaited<ReturnType<BrowserContext["storageState"]>>>();

async function logIn(page: Page, persona: string): Promise<void> {
  const saved = sessions.get(persona);
  if (saved) {
    await page.context().addCookies(saved.cookies);
    await page.goto(`${appUrl}/`);
  } else {
    await startLogin(page);
    await page.getByRole("button", { name: persona, exact: true }).click();
    await page.waitForURL((url) => !url.href.startsWith(emulatorUrl) && !url.pathname.startsWith("/api/auth"));
    sessions.set(persona, await page.context().storageState());
  }
  await page.locator("[data-view]").first().waitFor();
}

/** Each view: how a fresh browser gets there. */
const views: { name: string; reach: (page: Page) => Promise<void>; javaScript?: false }[] = [
  { name: "login", reach: (page) => page.goto(`${appUrl}/`).then(() => undefined) },
  { name: "authorize", reach: startLogin },
  ...["outsider", "newcomer", "freeagent", "manager", "player"].map((persona) => ({ name: persona, reach: (page: Page) => logIn(page, persona) })),
  {
    name: "pool",
    reach: async (page) => {
      await logIn(page, "manager");
      await page.goto(`${appUrl}/pool`);
      await page.getByRole("heading", { name: "Free-agent pool" }).waitFor();
    },
  },
  {
    name: "team",
    reach: async (page) => {
      await logIn(page, "manager");
      await page.goto(`${appUrl}/teams/${ROLE_IDS.lagosLions}`);
      await page.getByRole("heading", { name: /Lagos Lions/ }).first().waitFor();
    },
  },
  {
    name: "admin",
    reach: async (page) => {
      await logIn(page, "admin");
      await page.goto(`${appUrl}/admin`);
      await page.getByRole("heading", { name: "Tournament admin" }).waitFor();
    },
  },
  { name: "session-ended", reach: (page) => page.goto(`${appUrl}/?error=session_expired`).then(() => undefined) },
  // What the server's HTML alone does: lists filled in, every button a form (the manager's disband confirmation opened).
  { name: "freeagent-nojs", reach: (page) => logIn(page, "freeagent"), javaScript: false },
  {
    name: "manager-nojs",
    reach: async (page) => {
      await logIn(page, "manager");
      await page.getByText("Disband team", { exact: true }).click();
    },
    javaScript: false,
  },
];

async function shoot(browser: Browser, view: (typeof views)[number], scheme: (typeof schemes)[number], width: keyof typeof widths): Promise<void> {
  const context = await browser.newContext({ viewport: widths[width], colorScheme: scheme, deviceScaleFactor: 1, javaScriptEnabled: view.javaScript ?? true });
  const page = await context.newPage();
  await view.reach(page);
  // Skeletons give way to content and avatars load (the page's event stream never lets the network idle).
  await page
    .waitForFunction(() => document.querySelector('[aria-busy="true"]') === null && [...document.images].every((image) => image.complete), null, { timeout: 10_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
  const file = `${view.name}-${scheme}-${width}.png`;
  await page.screenshot({ path: join(outDir, file), fullPage: true });
  await context.close();
  console.log(`docs/screenshots/${file}`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"] });
  try {
    const only = values.only?.split(",");
    for (const view of views.filter((entry) => only === undefined || only.includes(entry.name))) {
      for (const scheme of schemes) for (const width of Object.keys(widths) as (keyof typeof widths)[]) await shoot(browser, view, scheme, width);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
