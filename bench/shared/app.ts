import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { readEnvExample as readProjectEnvExample } from "../../scripts/env-example";
import { projectRoot, spawnChild, spawnTs, untilAnswering, type Child } from "./processes";

/**
 * The app as the benches run it: a production build in a private copy under
 * `.data/bench-app/` (the shared `.next` may be serving, or being rebuilt
 * by, an end-to-end run), reused while the sources are unchanged, and
 * any number of app processes (server/main.ts, as `npm start`) on it.
 */

/**
 * How the app is built; both keep every route handler, lib/ and the config
 * unchanged. "API routes only" leaves out pages and components, which do
 * not serve /api, for when a half-written page does not compile.
 */
export type AppVariant = "full app" | "API routes only";

export type AppBuild = { dir: string; variant: AppVariant; reused: boolean };

/** Top-level files and folders the app is built from (absent ones are skipped). */
const appSources = ["app", "components", "lib", "public", "instrumentation.ts", "middleware.ts", "proxy.ts", "next.config.js", "postcss.config.mjs", "tsconfig.json", "package.json"];
const buildsRoot = join(projectRoot, ".data", "bench-app");
const nextBin = join(projectRoot, "node_modules", "next", "dist", "bin", "next");
const buildTimeoutMs = 420_000;
const startTimeoutMs = 120_000;
/** Written last by a build that succeeded, so a half-built copy is never reused. */
const completeMarker = ".bench-build-complete";
const variantSlug: Record<AppVariant, string> = { "full app": "full", "API routes only": "api" };

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

function copySources(dir: string, variant: AppVariant): void {
  for (const source of appSources) {
    if (variant === "API routes only" && source === "components") continue;
    const from = join(projectRoot, source);
    if (!existsSync(from)) continue;
    cpSync(from, join(dir, source), {
      recursive: true,
      filter: (path) => variant === "full app" || !/^page\.tsx?$/.test(basename(path)),
    });
  }
}

/**
 * The app's environment for a bench run: the demo values of `.env.example`
 * (the single source of safe defaults, as scripts/stack.ts reads them) wired
 * to the bench's Redis and emulator, with `publicUrl` as the address browsers
 * use (NEXTAUTH_URL, the Origin the app accepts), and the session secret in it.
 */
export function appEnvironment(options: { redisUrl: string; emulatorUrl: string; publicUrl: string }): { env: NodeJS.ProcessEnv; secret: string } {
  const defaults = readProjectEnvExample(projectRoot);
  const secret = defaults.NEXTAUTH_SECRET;
  if (!secret) throw new Error(".env.example has no NEXTAUTH_SECRET");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...defaults,
    NODE_ENV: "production",
    REDIS_URL: options.redisUrl,
    DISCORD_API_BASE: `${options.emulatorUrl}/api/v10`,
    DISCORD_INVITE_URL: `${options.emulatorUrl}/invite/safa`,
    NEXTAUTH_URL: options.publicUrl,
    SAFA_DEMO_MODE: "1",
  };
  return { env, secret };
}

type BuildOptions = { logDir: string; env: NodeJS.ProcessEnv; progress?: (message: string) => void };

/** A build of `variant` for the current sources: the one already made for them, a new one, or null when `next build` fails. */
async function buildVariant(variant: AppVariant, options: BuildOptions): Promise<AppBuild | null> {
  const slug = variantSlug[variant];
  const dir = join(buildsRoot, `${slug}-${sourcesHash()}`);
  if (existsSync(join(dir, completeMarker))) return { dir, variant, reused: true };
  mkdirSync(buildsRoot, { recursive: true });
  for (const entry of readdirSync(buildsRoot)) if (entry.startsWith(`${slug}-`)) rmSync(join(buildsRoot, entry), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copySources(dir, variant);
  options.progress?.(`building the app (${variant}) in ${relative(projectRoot, dir)} (reused by later runs while the sources are unchanged)`);
  const child = spawnChild(`next-build-${slug}`, process.execPath, [nextBin, "build"], { cwd: dir, env: { ...options.env, NEXT_TELEMETRY_DISABLED: "1" }, logDir: options.logDir });
  const timer = setTimeout(() => void child.stop(), buildTimeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  writeFileSync(join(dir, completeMarker), new Date().toISOString());
  return { dir, variant, reused: false };
}

/**
 * A production build of the current sources. With `apiOnlyFallback`, a full
 * app that does not build falls back to its API routes alone.
 */
export async function ensureAppBuild(options: BuildOptions & { apiOnlyFallback: boolean }): Promise<AppBuild> {
  const full = await buildVariant("full app", options);
  if (full) return full;
  if (!options.apiOnlyFallback) throw new Error(`next build failed; see ${join(options.logDir, "next-build-full.log")}`);
  const apiOnly = await buildVariant("API routes only", options);
  if (apiOnly) return apiOnly;
  throw new Error(`next build failed for the full app and for its API routes alone; see ${join(options.logDir, "next-build-api.log")}`);
}

/** One app process (server/main.ts, as `npm start`) on `build`, answering on `port` once /api/health does. */
export async function startAppInstance(build: AppBuild, options: { name: string; port: number; env: NodeJS.ProcessEnv; logDir: string }): Promise<Child> {
  const child = spawnTs(options.name, "server/main.ts", ["--dir", build.dir, "--port", String(options.port), "--hostname", "127.0.0.1"], {
    cwd: build.dir,
    env: { ...options.env, PORT: String(options.port), NEXT_TELEMETRY_DISABLED: "1" },
    logDir: options.logDir,
  });
  return untilAnswering(child, `http://127.0.0.1:${options.port}/api/health`, startTimeoutMs);
}
