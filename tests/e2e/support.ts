import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import { GUILD_ID, ROLE_IDS } from "../../emulator/fixture";

export const emulatorUrl = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT ?? 3101}`;
export const memberRoute = "GET /users/@me/guilds/:guild_id/member";
export const guildId = GUILD_ID;
export const roles = ROLE_IDS;
/** The scrape token the e2e stack's app is started with (playwright.config.ts). */
export const metricsToken = process.env.E2E_METRICS_TOKEN ?? "";

type Stats = { requests: number; rateLimited: number; invalid: number; routes: Record<string, { requests: number; rateLimited: number }> };
type Personas = { personas: { id: string; username: string; member: boolean; roles: string[] }[] };

export async function emulatorStats(): Promise<Stats> {
  return (await fetch(`${emulatorUrl}/__emulator/stats`)).json() as Promise<Stats>;
}

export async function resetEmulator(): Promise<void> {
  const response = await fetch(`${emulatorUrl}/__emulator/reset`, { method: "POST" });
  expect(response.ok).toBe(true);
}

export async function personaState(username: string) {
  const body = (await (await fetch(`${emulatorUrl}/__emulator/personas`)).json()) as Personas;
  const persona = body.personas.find((entry) => entry.username === username);
  if (!persona) throw new Error(`no persona ${username}`);
  return persona;
}

export async function setRole(userId: string, roleId: string, present: boolean): Promise<void> {
  const response = await fetch(`${emulatorUrl}/api/v10/guilds/${guildId}/members/${userId}/roles/${roleId}`, {
    method: present ? "PUT" : "DELETE",
    headers: { Authorization: "Bot emulator-bot-token" },
  });
  expect(response.status).toBe(204);
}

/** The real login: our home page, Discord's (the emulator's) authorize page, the persona's button, back to the dashboard. */
export async function logIn(page: Page, persona: string): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with Discord" }).or(page.getByRole("link", { name: "Log in with Discord" })).click();
  await authorizeAs(page, persona);
}

/** On Discord's (the emulator's) authorize page, which a login has reached or is reaching: sign in as `persona` and come back. */
export async function authorizeAs(page: Page, persona: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(emulatorUrl));
  await page.getByRole("button", { name: persona, exact: true }).click();
  await page.waitForURL((url) => !url.href.startsWith(emulatorUrl) && !url.pathname.startsWith("/api/auth"));
}

/** What a tab regaining focus does for TanStack Query: a visibilitychange while visible. */
export async function refocus(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.dispatchEvent(new Event("focus"));
    document.dispatchEvent(new Event("visibilitychange"));
  });
}

/** The e2e stack's Redis, as scripts/stack.ts recorded it. */
export function stackRedisUrl(): string {
  return (JSON.parse(readFileSync(".data/e2e/stack.json", "utf8")) as { redisUrl: string }).redisUrl;
}

/** Forgets our own API's rate-limit counters, so a test that exhausts them does not spill into the next. */
export function clearApiRateLimits(): void {
  const url = stackRedisUrl();
  const keys = execFileSync("redis-cli", ["-u", url, "--scan", "--pattern", "api_ratelimit_*"], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (keys.length > 0) execFileSync("redis-cli", ["-u", url, "DEL", ...keys]);
}

/** Deletes every session's stored Discord tokens in the e2e stack's Redis. */
export function forgetAllDiscordTokens(): void {
  const url = stackRedisUrl();
  const keys = execFileSync("redis-cli", ["-u", url, "--scan", "--pattern", "discord_tokens_*"], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (keys.length > 0) execFileSync("redis-cli", ["-u", url, "DEL", ...keys]);
}
