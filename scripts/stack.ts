/**
 * Starts the whole product on loopback: a private redis-server (unless
 * REDIS_URL is set), the Discord emulator, the app in production mode and
 * the Gateway worker that mirrors the guild (a leader and a standby), wired
 * to each other. Used by `npm run demo` and by the end-to-end tests. Stops
 * them all on SIGINT or SIGTERM.
 *
 * Flags: --app-port N (default PORT or 3000), --emulator-port N (default
 * EMULATOR_PORT or 3001), --data-dir DIR (default .data), --build (run
 * `next build` first), `--log-file FILE` (the app's logs go there), `--quiet`,
 * `--gateway-workers N` (default 2: a leader and a standby; 0 runs without
 * the live mirror), and any `--emulator-arg X` passed through to the emulator.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readEnvExample } from "./env-example";
import { startRedisServer, type RedisServerHandle } from "./redis-server";

const root = resolve(__dirname, "..");

const { values } = parseArgs({
  options: {
    "app-port": { type: "string" },
    "emulator-port": { type: "string" },
    "data-dir": { type: "string" },
    build: { type: "boolean", default: false },
    "emulator-arg": { type: "string", multiple: true, default: [] },
    quiet: { type: "boolean", default: false },
    "log-file": { type: "string" },
    "gateway-workers": { type: "string", default: "2" },
  },
});

const children: ChildProcess[] = [];
let redis: RedisServerHandle | undefined;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          child.kill("SIGTERM");
        }
      }
    }
    await Promise.all(children.map((child) => waitForExit(child, 8_000)));
    await redis?.stop();
  }
  process.exit(code);
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }
      done();
    }, timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
  });
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // A process group of its own, so stopping it also stops what it spawned (tsx forks).
  const child = spawn(command, args, { cwd: root, env, stdio: values.quiet ? ["ignore", "ignore", "inherit"] : "inherit", detached: true });
  children.push(child);
  child.once("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping the rest.`);
      void stopAll(1);
    }
  });
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Marks the emulator's "Lagos Lions" as a team, as a tournament admin would
 * in the admin area (scripts/seed-demo.ts; marking twice changes nothing).
 */
async function seedDemoTeams(env: NodeJS.ProcessEnv): Promise<void> {
  const seed = spawn("npx", ["tsx", "--conditions=react-server", "scripts/seed-demo.ts"], { cwd: root, env, stdio: values.quiet ? ["ignore", "ignore", "inherit"] : "inherit" });
  const code = await new Promise<number | null>((done) => seed.once("exit", done));
  if (code !== 0) throw new Error("marking the demo's team roles failed");
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  const defaults = readEnvExample(root);
  const appPort = Number(values["app-port"] ?? process.env.PORT ?? 3000);
  const emulatorPort = Number(values["emulator-port"] ?? process.env.EMULATOR_PORT ?? 3001);
  const dataDir = resolve(root, values["data-dir"] ?? ".data");

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    redis = await startRedisServer({ dataDir: join(dataDir, "redis") });
    redisUrl = redis.url;
  }
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const appUrl = `http://127.0.0.1:${appPort}`;
  const env: NodeJS.ProcessEnv = {
    ...defaults,
    ...process.env,
    NODE_ENV: "production",
    REDIS_URL: redisUrl,
    DISCORD_API_BASE: `${emulatorUrl}/api/v10`,
    DISCORD_INVITE_URL: `${emulatorUrl}/invite/safa`,
    // The emulator is the CDN too: it serves the personas' and members' avatars.
    DISCORD_CDN_BASE: emulatorUrl,
    NEXTAUTH_URL: appUrl,
    // This is the demo (or the tests): the published demo secrets of .env.example are allowed.
    SAFA_DEMO_MODE: "1",
    PORT: String(appPort),
    ...(values["log-file"] ? { LOG_FILE: resolve(root, values["log-file"]) } : {}),
  };
  // Where everything runs, for tests that inspect the stack from outside.
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, "stack.json"), JSON.stringify({ appUrl, emulatorUrl, redisUrl, logFile: env.LOG_FILE ?? null }, null, 2));

  const npx = "npx";
  run("emulator", npx, ["tsx", "emulator/main.ts", "--port", String(emulatorPort), ...(values["emulator-arg"] ?? [])], env);
  if (values.build) {
    const build = spawn(npx, ["next", "build"], { cwd: root, env, stdio: "inherit" });
    const code = await new Promise<number | null>((done) => build.once("exit", done));
    if (code !== 0) throw new Error("next build failed");
  }
  run("app", npx, ["tsx", "server/main.ts", "--port", String(appPort), "--hostname", "127.0.0.1"], env);
  await waitForHttp(`${emulatorUrl}/__emulator/personas`, 60_000);
  const gatewayWorkers = Number(values["gateway-workers"]);
  if (!Number.isInteger(gatewayWorkers) || gatewayWorkers < 0) throw new Error(`--gateway-workers must be a whole number, got "${values["gateway-workers"]}"`);
  for (let index = 1; index <= gatewayWorkers; index += 1) run(`gateway worker ${index}`, npx, ["tsx", "--conditions=react-server", "scripts/gateway.ts"], env);
  await waitForHttp(`${appUrl}/api/health`, 120_000);
  await seedDemoTeams(env);

  console.log("");
  console.log(`SAFA Dashboard is running: open ${appUrl}`);
  console.log(`Log in with Discord and pick a persona on the emulator's page:`);
  console.log("  outsider (not in the server), newcomer (profile form), freeagent, manager, player, admin");
  console.log(`Discord emulator: ${emulatorUrl}   Redis: ${redisUrl}   Gateway workers: ${gatewayWorkers}`);
  console.log("Press Ctrl-C to stop.");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void stopAll(1);
});
