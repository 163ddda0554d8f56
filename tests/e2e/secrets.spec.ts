import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { emulatorUrl, logIn, metricsToken, stackRedisUrl } from "./support";

/**
 * After real logins, refreshes, lookups and a logout, no token or secret
 * appears in the app's logs, its metrics, its error pages, or Redis key names.
 */
test("no token or secret leaks into logs, metrics, error pages or Redis keys", async ({ page, browser }) => {
  await logIn(page, "player");
  await expect(page.locator('[data-view="player"]')).toBeVisible();
  const other = await browser.newPage();
  await logIn(other, "manager");
  await expect(other.locator('[data-view="team-manager"]')).toBeVisible();
  await other.getByRole("button", { name: "Sign out" }).click();
  await expect(other.getByRole("button", { name: "Log in with Discord" })).toBeVisible();

  const scraped = await page.request.get("/api/metrics", { headers: { authorization: `Bearer ${metricsToken}` } });
  expect(scraped.status()).toBe(200);
  const metrics = await scraped.text();
  const errorPage = await (await page.request.get("/no-such-page")).text();
  const badApi = await (await page.request.get("/api/roles?x=%00")).text();

  const stack = JSON.parse(readFileSync(".data/e2e/stack.json", "utf8")) as { logFile: string };
  const keys = execFileSync("redis-cli", ["-u", stackRedisUrl(), "--scan"], { encoding: "utf8" });
  const logs = readFileSync(stack.logFile, "utf8");
  expect(logs).toContain("discord role lookup");

  const issued = ((await (await fetch(`${emulatorUrl}/__emulator/issued-tokens`)).json()) as { tokens: string[] }).tokens;
  expect(issued.length).toBeGreaterThanOrEqual(4);
  const secrets = [...issued, "emulator-client-secret", "emulator-bot-token", "demo-secret-change-me-0123456789abcdef"];
  for (const [where, text] of Object.entries({ logs, metrics, errorPage, badApi, keys })) {
    for (const secret of secrets) {
      expect(text.includes(secret), `${where} contains a secret`).toBe(false);
    }
  }
});
