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
 *
 * `--ha` starts the production shape instead: a Redis primary, one replica
 * and three Sentinels (scripts/redis-ha.ts), two app instances on free
 * ports behind Debian's nginx (deploy/nginx/safa.conf) on --app-port, and
 * the Gateway workers, all following the primary through the Sentinels and
 * every action waiting for one replica.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readEnvExample } from "./env-example";
import { findFreePort } from "./free-port";
import { findNginx, nginxInstallHint, startNginx, type NginxHandle } from "./nginx";
import { startRedisHa, type RedisHaHandle } from "./redis-ha";
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
    ha: { type: "boolean", default: false },
  },
});

/** The HA stack's shape: what the deployment guide calls the smallest production set. */
const haShape = {
  appInstances: ["a", "b"],
  /** Sentinel's down-after-milliseconds: how long a silent primary has before a failover starts. */
  downAfterMs: 2_000,
  /** Replicas every action's writes must reach before it answers success. */
  waitReplicas: 1,
} as const;

const children: ChildProcess[] = [];
let redis: RedisServerHandle | undefined;
let redisHa: RedisHaHandle | undefined;
let nginx: NginxHandle | undefined;
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
    await nginx?.stop();
    await Promise.all(children.map((child) => waitForExit(child, 8_000)));
    await redis?.stop();
    await redisHa?.stop();
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

/** How a process that stops by itself is treated: the stack stops with it, or it is started again (as systemd's `Restart=always` would). */
type Supervision = { restart: false } | { restart: true; delayMs: number; maxPerMinute: number };

const stopTheStack: Supervision = { restart: false };

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, supervision: Supervision = stopTheStack): ChildProcess {
  // A process group of its own, so stopping it also stops what it spawned (tsx forks).
  const child = spawn(command, args, { cwd: root, env, stdio: values.quiet ? ["ignore", "ignore", "inherit"] : "inherit", detached: true });
  children.push(child);
  child.once("exit", (code, signal) => {
    if (stopping) return;
    const how = signal ?? `exit ${code}`;
    if (!supervision.restart || !mayRestart(name, supervision.maxPerMinute)) {
      console.error(`${name} stopped unexpectedly (${how}); stopping the rest.`);
      void stopAll(1);
      return;
    }
    console.error(`${name} stopped unexpectedly (${how}); starting it again in ${supervision.delayMs} ms.`);
    setTimeout(() => {
      if (!stopping) run(name, command, args, env, supervision);
    }, supervision.delayMs);
  });
  return child;
}

const restartsOf = new Map<string, number[]>();

/** A process that keeps dying is a fault to stop on, not to hide. */
function mayRestart(name: string, maxPerMinute: number): boolean {
  const now = Date.now();
  const recent = (restartsOf.get(name) ?? []).filter((at) => now - at < 60_000);
  if (recent.length >= maxPerMinute) return false;
  restartsOf.set(name, [...recent, now]);
  return true;
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

type Ports = { appPort: number; emulatorPort: number; dataDir: string };

function readPorts(): Ports {
  return {
    appPort: Number(values["app-port"] ?? process.env.PORT ?? 3000),
    emulatorPort: Number(values["emulator-port"] ?? process.env.EMULATOR_PORT ?? 3001),
    dataDir: resolve(root, values["data-dir"] ?? ".data"),
  };
}

/** What every process of the stack shares: the demo's settings, pointed at the emulator. */
function baseEnv(emulatorUrl: string, appUrl: string): NodeJS.ProcessEnv {
  return {
    ...readEnvExample(root),
    ...process.env,
    NODE_ENV: "production",
    DISCORD_API_BASE: `${emulatorUrl}/api/v10`,
    DISCORD_INVITE_URL: `${emulatorUrl}/invite/safa`,
    // The emulator is the CDN too: it serves the personas' and members' avatars.
    DISCORD_CDN_BASE: emulatorUrl,
    NEXTAUTH_URL: appUrl,
    // This is the demo (or the tests): the published demo secrets of .env.example are allowed.
    SAFA_DEMO_MODE: "1",
    ...(values["log-file"] ? { LOG_FILE: resolve(root, values["log-file"]) } : {}),
  };
}

function gatewayWorkerCount(): number {
  const count = Number(values["gateway-workers"]);
  if (!Number.isInteger(count) || count < 0) throw new Error(`--gateway-workers must be a whole number, got "${values["gateway-workers"]}"`);
  return count;
}

async function build(env: NodeJS.ProcessEnv): Promise<void> {
  if (!values.build) return;
  const child = spawn("npx", ["next", "build"], { cwd: root, env, stdio: "inherit" });
  const code = await new Promise<number | null>((done) => child.once("exit", done));
  if (code !== 0) throw new Error("next build failed");
}

function startEmulator(env: NodeJS.ProcessEnv, emulatorPort: number): void {
  run("emulator", "npx", ["tsx", "emulator/main.ts", "--port", String(emulatorPort), ...(values["emulator-arg"] ?? [])], env);
}

function startGatewayWorkers(env: NodeJS.ProcessEnv, count: number): void {
  // A worker that dies hands the lead to the standby (which resumes its session) and is started again as the new standby, as its systemd unit would be.
  const supervision: Supervision = { restart: true, delayMs: 1_000, maxPerMinute: 5 };
  for (let index = 1; index <= count; index += 1) run(`gateway worker ${index}`, "npx", ["tsx", "--conditions=react-server", "scripts/gateway.ts"], env, supervision);
}

async function startSingle({ appPort, emulatorPort, dataDir }: Ports): Promise<void> {
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    redis = await startRedisServer({ dataDir: join(dataDir, "redis") });
    redisUrl = redis.url;
  }
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const appUrl = `http://127.0.0.1:${appPort}`;
  const env: NodeJS.ProcessEnv = { ...baseEnv(emulatorUrl, appUrl), REDIS_URL: redisUrl, PORT: String(appPort) };
  // Where everything runs, for tests that inspect the stack from outside.
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, "stack.json"), JSON.stringify({ appUrl, emulatorUrl, redisUrl, logFile: env.LOG_FILE ?? null }, null, 2));

  startEmulator(env, emulatorPort);
  await build(env);
  run("app", "npx", ["tsx", "server/main.ts", "--port", String(appPort), "--hostname", "127.0.0.1"], env);
  await waitForHttp(`${emulatorUrl}/__emulator/personas`, 60_000);
  const gatewayWorkers = gatewayWorkerCount();
  startGatewayWorkers(env, gatewayWorkers);
  await waitForHttp(`${appUrl}/api/health`, 120_000);
  await seedDemoTeams(env);

  console.log("");
  console.log(`SAFA Dashboard is running: open ${appUrl}`);
  printPersonas();
  console.log(`Discord emulator: ${emulatorUrl}   Redis: ${redisUrl}   Gateway workers: ${gatewayWorkers}`);
  console.log("Press Ctrl-C to stop.");
}

async function startHa({ appPort, emulatorPort, dataDir }: Ports): Promise<void> {
  // Before anything starts: a machine without nginx is told how to install it, nothing else.
  if (findNginx() === null) throw new Error(nginxInstallHint);
  const gatewayWorkers = gatewayWorkerCount();
  mkdirSync(dataDir, { recursive: true });
  redisHa = await startRedisHa({ dataDir: join(dataDir, "redis-ha"), replicas: 1, sentinels: 3, downAfterMs: haShape.downAfterMs });
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  // nginx's address is the one public URL: the instances behind it redirect any other name there.
  const appUrl = `http://127.0.0.1:${appPort}`;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(emulatorUrl, appUrl),
    REDIS_SENTINELS: redisHa.sentinelsEnv,
    REDIS_MASTER_NAME: redisHa.masterName,
    REDIS_WAIT_REPLICAS: String(haShape.waitReplicas),
    // nginx is the one proxy in front; the client is the address it appends to X-Forwarded-For.
    TRUSTED_PROXY_COUNT: "1",
  };
  // The Sentinels name the primary; a REDIS_URL (.env.example has one) would only earn a warning.
  delete env.REDIS_URL;

  startEmulator(env, emulatorPort);
  await build(env);
  const instances: { id: string; url: string; port: number; pid: number }[] = [];
  for (const id of haShape.appInstances) {
    const port = await findFreePort();
    const child = run(`app ${id}`, "npx", ["tsx", "server/main.ts", "--port", String(port), "--hostname", "127.0.0.1"], { ...env, PORT: String(port), SAFA_INSTANCE_ID: id });
    instances.push({ id, url: `http://127.0.0.1:${port}`, port, pid: child.pid ?? 0 });
  }
  nginx = await startNginx({ dataDir: join(dataDir, "nginx"), port: appPort, upstreams: instances.map(({ port }) => ({ host: "127.0.0.1", port })), quiet: values.quiet });
  nginx.process.once("exit", (code, signal) => {
    if (!stopping) {
      console.error(`nginx stopped unexpectedly (${signal ?? `exit ${code}`}); stopping the rest.`);
      void stopAll(1);
    }
  });
  writeFileSync(
    join(dataDir, "stack.json"),
    JSON.stringify(
      {
        appUrl,
        emulatorUrl,
        redisUrl: null,
        ha: {
          sentinels: redisHa.sentinelsEnv,
          masterName: redisHa.masterName,
          nodes: redisHa.nodes.map(({ port, pid }) => ({ port, pid })),
          instances: instances.map(({ id, url, pid }) => ({ id, url, pid })),
          nginx: { pid: nginx.pid, conf: nginx.conf },
        },
        logFile: env.LOG_FILE ?? null,
      },
      null,
      2,
    ),
  );

  await waitForHttp(`${emulatorUrl}/__emulator/personas`, 60_000);
  startGatewayWorkers(env, gatewayWorkers);
  await Promise.all(instances.map(({ url }) => waitForHttp(`${url}/api/health`, 120_000)));
  await waitForHttp(`${appUrl}/api/health`, 30_000);
  await seedDemoTeams(env);

  console.log("");
  console.log(`SAFA Dashboard (production shape) is running: open ${appUrl} (nginx in front of ${instances.map(({ id, url }) => `${id} at ${url}`).join(" and ")})`);
  printPersonas();
  console.log(`Discord emulator: ${emulatorUrl}   Redis Sentinels: ${redisHa.sentinelsEnv} (primary on port ${await redisHa.primaryPort()})   Gateway workers: ${gatewayWorkers}`);
  console.log("Press Ctrl-C to stop.");
}

function printPersonas(): void {
  console.log(`Log in with Discord and pick a persona on the emulator's page:`);
  console.log("  outsider (not in the server), newcomer (profile form), freeagent, manager, player, admin");
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  const ports = readPorts();
  if (values.ha) await startHa(ports);
  else await startSingle(ports);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void stopAll(1);
});
