import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests run the real stack (private Redis, the Discord emulator,
 * the app built for production) and drive Debian's Chromium through the real login.
 */
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 3101);
// The app's /api/metrics scrape token; the test workers read it from here too.
process.env.E2E_METRICS_TOKEN ??= "e2e-metrics-scrape-token-0123456789";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${appPort}`,
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"],
    },
  },
  webServer: {
    command: `npx tsx scripts/stack.ts --build --quiet --app-port ${appPort} --emulator-port ${emulatorPort} --data-dir .data/e2e --log-file .data/e2e/app.log`,
    url: `http://127.0.0.1:${appPort}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: { E2E_EMULATOR_URL: `http://127.0.0.1:${emulatorPort}`, METRICS_TOKEN: process.env.E2E_METRICS_TOKEN },
  },
});

export const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
