import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { readEnvExample } from "../../scripts/env-example";

/** Starts the built app with an environment and returns its exit code and what it printed. */
function startApp(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const port = String(3250 + Math.floor(Math.random() * 40));
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "--port", port, "--hostname", "127.0.0.1"], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test("a missing required variable stops the app at start with one line naming it", async () => {
  test.setTimeout(60_000);
  const env = readEnvExample();
  delete env.DISCORD_GUILD_ID;
  const { code, stderr } = await startApp(env);
  expect(code).toBe(1);
  const lines = stderr.trim().split("\n").filter((line) => line.includes("Configuration error"));
  expect(lines).toEqual(["Configuration error: DISCORD_GUILD_ID is missing. See .env.example."]);
});

test("a malformed variable stops the app at start and says what is wrong", async () => {
  test.setTimeout(60_000);
  const { code, stderr } = await startApp({ ...readEnvExample(), NEXTAUTH_SECRET: "too-short" });
  expect(code).toBe(1);
  expect(stderr).toContain("Configuration error: NEXTAUTH_SECRET must be at least 32 characters");
});

test("the published demo secret stops the app unless it is told it is the demo", async () => {
  test.setTimeout(60_000);
  const { code, stderr } = await startApp(readEnvExample());
  expect(code).toBe(1);
  expect(stderr).toContain("Configuration error: NEXTAUTH_SECRET is a published demo value");
});
