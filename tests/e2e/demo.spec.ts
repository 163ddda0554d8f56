import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

/**
 * `npm run demo` is ensure-deps, `next build`, then scripts/stack.ts, which
 * runs the app as `npm start` does (server/main.ts). The build already
 * exists here (the e2e web server made it), so this starts the stack itself
 * on other ports, checks the pages, and stops it with SIGTERM.
 */
function pids(pattern: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test("the demo stack serves the app and the authorize page, then stops cleanly on SIGTERM", async ({ page }) => {
  test.setTimeout(120_000);
  const appPort = 3150 + Math.floor(Math.random() * 40);
  const emulatorPort = appPort + 50;
  const dataDir = mkdtempSync(join(tmpdir(), "safa-demo-"));
  const stack = spawn("node_modules/.bin/tsx", ["scripts/stack.ts", "--app-port", String(appPort), "--emulator-port", String(emulatorPort), "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, REDIS_URL: "" },
  });
  let output = "";
  stack.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  stack.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  try {
    await expect.poll(() => output, { timeout: 90_000 }).toContain("SAFA Dashboard is running");
    expect(output).toContain(`open http://127.0.0.1:${appPort}`);
    expect(output).toMatch(/newcomer/);
    const redisPort = /Redis: redis:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
    expect(redisPort).toBeDefined();

    await page.goto(`http://127.0.0.1:${appPort}/`);
    await expect(page.getByRole("heading", { name: "SAFA Dashboard" })).toBeVisible();
    await page.goto(
      `http://127.0.0.1:${emulatorPort}/oauth2/authorize?client_id=1400000000000000001&response_type=code&scope=identify&redirect_uri=${encodeURIComponent(`http://127.0.0.1:${appPort}/api/auth/callback/discord`)}`,
    );
    await expect(page.getByRole("button", { name: "newcomer", exact: true })).toBeVisible();

    const before = {
      app: pids(`server/main.ts --port ${appPort}`),
      emulator: pids(`emulator/main.ts --port ${emulatorPort}`),
      redis: pids(`redis-server 127.0.0.1:${redisPort}`),
    };
    expect(before.app.length).toBeGreaterThan(0);
    expect(before.emulator.length).toBeGreaterThan(0);
    expect(before.redis.length).toBeGreaterThan(0);

    stack.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => stack.once("exit", resolve));
    expect(code).toBe(0);
    expect(pids(`server/main.ts --port ${appPort}`)).toEqual([]);
    expect(pids(`emulator/main.ts --port ${emulatorPort}`)).toEqual([]);
    expect(pids(`redis-server 127.0.0.1:${redisPort}`)).toEqual([]);
  } finally {
    if (stack.exitCode === null) stack.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
});
