import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { projectRoot, spawnChild, waitForHttp, type Child } from "./load-processes";
import { readEnvExample as readProjectEnvExample } from "../scripts/env-example";

/**
 * The app as the load test runs it: a production build in a private copy
 * under `.data/bench-load/` (the shared `.next` may be serving, or being
 * rebuilt by, someone's end-to-end run), reused while the sources are
 * unchanged, and any number of app processes (server/main.ts, as `npm start`) on it.
 */

/** Top-level files and folders the app is built from (absent ones are skipped). */
const appSources = ["app", "components", "lib", "public", "instrumentation.ts", "middleware.ts", "proxy.ts", "next.config.js", "postcss.config.mjs", "tsconfig.json", "package.json"];
const buildsRoot = join(projectRoot, ".data", "bench-load");
const nextBin = join(projectRoot, "node_modules", "next", "dist", "bin", "next");
const serverEntry = join(projectRoot, "server", "main.ts");
const buildTimeoutMs = 420_000;
const startTimeoutMs = 120_000;
/** Written last by a build that succeeded, so a half-built copy is never reused. */
const completeMarker = ".load-build-complete";

function sourceFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => sourceFiles(join(path, entry)));
}

/** Names and contents of every source file: the same hash means the same build. */
function sourcesHash(): string {
  const hash = createHash("sha256");
  for (const file of appSources.flatMap((source) => sourceFiles(join(projectRoot, source)))) {
    hash.update(relative(projectRoot, file));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The demo values of `.env.example`, the single source of safe defaults (as scripts/stack.ts reads them). */
export function readEnvExample(): Record<string, string> {
  return readProjectEnvExample(projectRoot);
}

export type AppBuild = { dir: string; reused: boolean };

/** A production build of the current sources: the one already made for them, or a new one. */
export async function ensureAppBuild(options: { logDir: string; env: NodeJS.ProcessEnv; progress: (message: string) => void }): Promise<AppBuild> {
  const dir = join(buildsRoot, `build-${sourcesHash()}`);
  if (existsSync(join(dir, completeMarker))) return { dir, reused: true };
  mkdirSync(buildsRoot, { recursive: true });
  for (const entry of readdirSync(buildsRoot)) if (entry.startsWith("build-")) rmSync(join(buildsRoot, entry), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const source of appSources) {
    const from = join(projectRoot, source);
    if (existsSync(from)) cpSync(from, join(dir, source), { recursive: true });
  }
  options.progress(`building the app in ${relative(projectRoot, dir)} (reused by later runs while the sources are unchanged)`);
  const child = spawnChild("next-build", process.execPath, [nextBin, "build"], { cwd: dir, env: { ...options.env, NEXT_TELEMETRY_DISABLED: "1" }, logDir: options.logDir });
  const timer = setTimeout(() => void child.stop(), buildTimeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`next build failed (exit ${code}); see ${child.logFile}`);
  }
  writeFileSync(join(dir, completeMarker), new Date().toISOString());
  return { dir, reused: false };
}

/** One app process (server/main.ts, as `npm start`) on `build`, answering on `port` once /api/health does. */
export async function startAppInstance(build: AppBuild, options: { name: string; port: number; env: NodeJS.ProcessEnv; logDir: string }): Promise<Child> {
  const env = { ...options.env, PORT: String(options.port), NEXT_TELEMETRY_DISABLED: "1" };
  const child = spawnChild(options.name, process.execPath, ["--import", "tsx", serverEntry, "--dir", build.dir, "--port", String(options.port), "--hostname", "127.0.0.1"], {
    cwd: build.dir,
    env,
    logDir: options.logDir,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${options.port}/api/health`, child, startTimeoutMs);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}

/** The Discord emulator in a process of its own, with its default (Discord's documented) limits. */
export async function startEmulator(options: { port: number; logDir: string }): Promise<Child> {
  const child = spawnChild("emulator", process.execPath, ["--import", "tsx", join(projectRoot, "emulator", "main.ts"), "--port", String(options.port)], {
    cwd: projectRoot,
    env: process.env,
    logDir: options.logDir,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${options.port}/__emulator/personas`, child, 30_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}
