import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect, type Browser, type Page, type Response } from "@playwright/test";
import { findFreePort } from "../../../scripts/free-port";

/**
 * The production shape for end-to-end tests: `scripts/stack.ts --ha` on
 * ports of its own (the default e2e stack keeps running beside it), with
 * a fresh data dir each run, so the emulator and Redis start from the
 * fixture. It uses the `.next` the default stack's web server built.
 */

export type HaStack = {
  appUrl: string;
  emulatorUrl: string;
  instances: { id: string; url: string }[];
  /** The Redis data nodes' ports (the primary and its replica). */
  nodePorts: number[];
  stop(): Promise<void>;
};

type StackJson = { appUrl: string; emulatorUrl: string; ha: { instances: { id: string; url: string }[]; nodes: { port: number }[] } };

const dataDir = ".data/e2e-ha";

export async function startHaStack(): Promise<HaStack> {
  rmSync(dataDir, { recursive: true, force: true });
  const appPort = await findFreePort();
  const emulatorPort = await findFreePort();
  const child = spawn("npx", ["tsx", "scripts/stack.ts", "--ha", "--quiet", "--app-port", String(appPort), "--emulator-port", String(emulatorPort), "--data-dir", dataDir, "--log-file", join(dataDir, "app.log")], {
    stdio: ["ignore", "ignore", "inherit"],
    // Its own process group: stopping it reaches npx, tsx and the stack script alike.
    detached: true,
  });
  const appUrl = `http://127.0.0.1:${appPort}`;
  try {
    await waitForHealth(`${appUrl}/api/health`, child, 240_000);
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
  const recorded = JSON.parse(readFileSync(join(dataDir, "stack.json"), "utf8")) as StackJson;
  return { appUrl, emulatorUrl: recorded.emulatorUrl, instances: recorded.ha.instances, nodePorts: recorded.ha.nodes.map(({ port }) => port), stop: () => stopGroup(child) };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the HA stack stopped while starting (${child.signalCode ?? `exit ${child.exitCode}`})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // nginx not listening yet
    }
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error(`the HA stack did not answer ${url} within ${timeoutMs} ms`);
}

/** SIGTERM lets the stack stop its processes (Redis, nginx, apps, workers); SIGKILL if it has not within 20 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 20_000);
  await exited;
  clearTimeout(timer);
}

/** Every `X-SAFA-Instance` that answered the page's own requests to `appUrl`. */
export function recordInstances(page: Page, appUrl: string, seen: Set<string>): void {
  page.on("response", (response: Response) => {
    if (!response.url().startsWith(appUrl)) return;
    const instance = response.headers()["x-safa-instance"];
    if (instance) seen.add(instance);
  });
}

/**
 * The real login, as the other specs do it (tests/e2e/support.ts), against
 * this stack's emulator: our home page through nginx, Discord's authorize
 * page, the persona's button, back to the dashboard; returns once the live
 * update stream is open.
 */
export async function logInThrough(browser: Browser, stack: HaStack, persona: string, seen: Set<string>): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: stack.appUrl })).newPage();
  recordInstances(page, stack.appUrl, seen);
  const streamOpen = page.waitForResponse((response) => response.url() === `${stack.appUrl}/api/events` && response.ok(), { timeout: 45_000 });
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with Discord" }).or(page.getByRole("link", { name: "Log in with Discord" })).click();
  await page.waitForURL((url) => url.href.startsWith(stack.emulatorUrl));
  await page.getByRole("button", { name: persona, exact: true }).click();
  await page.waitForURL((url) => url.href.startsWith(stack.appUrl) && !url.pathname.startsWith("/api/auth"));
  await streamOpen;
  return page;
}

/** A moderator's change on Discord, through the emulator's control API. */
export async function moderateRoles(stack: HaStack, userId: string, change: { add?: string[]; remove?: string[] }): Promise<void> {
  const response = await fetch(`${stack.emulatorUrl}/__emulator/members/${userId}/roles`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(change),
  });
  expect(response.ok).toBe(true);
}
