import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));

function runEmulator(args: string[]) {
  const child = spawn(tsx, ["emulator/main.ts", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function waitFor<T>(read: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("emulator CLI", () => {
  it("logs one line with its URL, serves, and stops cleanly on SIGTERM", async () => {
    const run = runEmulator(["--port", "0", "--route-limit", "GET /users/@me=2/1"]);
    const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output().stdout)?.[1], 15_000);
    expect(run.output().stdout.trim().split("\n")).toHaveLength(1);
    const personas = await fetch(`${url}/__emulator/personas`);
    expect(personas.status).toBe(200);
    const me = await fetch(`${url}/api/v10/users/@me`, { headers: { Authorization: "Bot emulator-bot-token" } });
    expect(me.headers.get("x-ratelimit-limit")).toBe("2");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    await expect(fetch(`${url}/__emulator/personas`)).rejects.toThrow();
  });

  it.each([
    [["--port", "nope"], /--port: must be a number/],
    [["--route-limit", "GET /users/@me"], /--route-limit/],
    [["--unknown"], /Unknown option '--unknown'/],
  ])("exits 2 with one clear line for %j", async (args, message) => {
    const run = runEmulator(args);
    expect(await run.exited).toBe(2);
    const lines = run.output().stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
