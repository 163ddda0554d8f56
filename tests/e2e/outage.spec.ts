import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { startRedisServer, type RedisServerHandle } from "../../scripts/redis-server";

/**
 * Redis goes away under a running app and comes back: pages still render,
 * actions answer a clear 503, and the app recovers without a restart. Runs a
 * stack of its own (the build the e2e web server made) on a Redis it controls.
 */
test("the app survives Redis going away and recovers by itself", async ({ page }) => {
  test.setTimeout(150_000);
  const appPort = 3450 + Math.floor(Math.random() * 40);
  const emulatorPort = appPort + 50;
  const dataDir = mkdtempSync(join(tmpdir(), "safa-outage-"));
  let redis: RedisServerHandle = await startRedisServer({ dataDir: join(dataDir, "redis") });
  const stack: ChildProcess = spawn("node_modules/.bin/tsx", ["scripts/stack.ts", "--app-port", String(appPort), "--emulator-port", String(emulatorPort), "--data-dir", dataDir, "--quiet"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, REDIS_URL: redis.url },
  });
  let output = "";
  stack.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  stack.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const app = `http://127.0.0.1:${appPort}`;
  const action = (target: Page) =>
    target.request.post(`${app}/api/profile`, {
      data: { gamerTag: "Lagos_Striker", platform: "playstation", eaFcId: "lagos.striker", country: "NG", position: "FWD" },
      headers: { Origin: app },
    });
  try {
    await expect.poll(() => output, { timeout: 90_000 }).toContain("SAFA Dashboard is running");
    await page.goto(`${app}/`);
    await page.getByRole("button", { name: "Log in with Discord" }).click();
    await page.getByRole("button", { name: "freeagent", exact: true }).click();
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible();

    await redis.stop();
    // The page still renders, from what this app process last saw.
    await page.reload();
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible();
    const during = await action(page);
    expect(during.status()).toBe(503);
    expect(await during.json()).toMatchObject({ error: "unavailable", message: expect.stringMatching(/temporarily unavailable/) });
    expect(Number(during.headers()["retry-after"])).toBeGreaterThan(0);
    const health = await page.request.get(`${app}/api/health`);
    expect(health.status()).toBe(200);

    redis = await startRedisServer({ dataDir: join(dataDir, "redis"), port: redis.port });
    // Recovered without a restart: the same session acts again (ioredis reconnects within seconds).
    await expect.poll(async () => (await action(page)).status(), { timeout: 30_000, intervals: [500] }).toBe(200);
    await page.reload();
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible();
  } finally {
    stack.kill("SIGTERM");
    await new Promise((resolve) => stack.once("exit", resolve));
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
