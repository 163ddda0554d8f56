import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { findFreePort } from "../scripts/free-port";
import { projectRoot, spawnChild, waitForHttp, type Child } from "./focus-processes";
import { readEnvExample as readProjectEnvExample } from "../scripts/env-example";

/** How the floor app is built; both keep every route handler, lib/ and the config unchanged. */
export type AppVariant = "full app" | "API routes only";

export type NextApp = {
  url: string;
  variant: AppVariant;
  /** CPU time of the app process (server/main.ts) so far, milliseconds (null off Linux). */
  cpuMs(): number | null;
  stop(): Promise<void>;
};

const buildTimeoutMs = 300_000;
const startTimeoutMs = 90_000;
const nextBin = join(projectRoot, "node_modules", "next", "dist", "bin", "next");

/** Top-level files and folders the app is built from (absent ones are skipped). */
const appSources = ["app", "components", "lib", "public", "instrumentation.ts", "middleware.ts", "proxy.ts", "next.config.js", "postcss.config.mjs", "tsconfig.json", "package.json"];

/** The demo values of `.env.example`, as scripts/stack.ts reads them. */
export function readEnvExample(): Record<string, string> {
  return readProjectEnvExample(projectRoot);
}

/**
 * Copies the app into `dir` (under the project, so node_modules resolves
 * upward and Turbopack's root stays the project). "API routes only" leaves
 * out pages and components, which do not serve /api, for when someone's
 * half-written page does not compile.
 */
function copySources(dir: string, variant: AppVariant): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const source of appSources) {
    if (variant === "API routes only" && source === "components") continue;
    const from = join(projectRoot, source);
    if (!existsSync(from)) continue;
    cpSync(from, join(dir, source), {
      recursive: true,
      filter: (path) => variant === "full app" || !/^page\.tsx?$/.test(basename(path)),
    });
  }
  // Type errors are `tsc`'s business elsewhere; they change nothing at run time, so they must not stop this build.
  renameSync(join(dir, "next.config.js"), join(dir, "next.config.app.js"));
  writeFileSync(
    join(dir, "next.config.js"),
    'const app = require("./next.config.app.js");\nmodule.exports = { ...app, typescript: { ...app.typescript, ignoreBuildErrors: true } };\n',
  );
}

function waitForExit(child: Child, timeoutMs: number): Promise<number | null> {
  return new Promise((done) => {
    const timer = setTimeout(() => {
      void child.stop().then(() => done(null));
    }, timeoutMs);
    child.process.once("exit", (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

async function build(dir: string, variant: AppVariant, env: NodeJS.ProcessEnv, logDir: string): Promise<boolean> {
  copySources(dir, variant);
  const name = variant === "full app" ? "next-build-full" : "next-build-api";
  const child = spawnChild(name, process.execPath, [nextBin, "build"], { cwd: dir, env, logDir });
  return (await waitForExit(child, buildTimeoutMs)) === 0;
}

/**
 * Builds the app for production in a private copy (the shared `.next` may be
 * serving someone's e2e run) and starts it as `npm start` does (server/main.ts), wired to the
 * bench's Redis and emulator.
 */
export async function startNextApp(options: { redisUrl: string; emulatorUrl: string; logDir: string }): Promise<NextApp> {
  const dir = join(projectRoot, ".data", "bench-focus", `app-${process.pid}`);
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...readEnvExample(),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    REDIS_URL: options.redisUrl,
    DISCORD_API_BASE: `${options.emulatorUrl}/api/v10`,
    DISCORD_INVITE_URL: `${options.emulatorUrl}/invite/safa`,
    NEXTAUTH_URL: url,
    SAFA_DEMO_MODE: "1",
    PORT: String(port),
  };
  const remove = () => rmSync(dir, { recursive: true, force: true });

  let variant: AppVariant = "full app";
  if (!(await build(dir, variant, env, options.logDir))) {
    variant = "API routes only";
    if (!(await build(dir, variant, env, options.logDir))) {
      remove();
      throw new Error(`next build failed for the full app and for its API routes alone; see ${join(options.logDir, "next-build-api.log")}`);
    }
  }
  const child = spawnChild("app", process.execPath, ["--import", "tsx", join(projectRoot, "server", "main.ts"), "--dir", dir, "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: dir,
    env,
    logDir: options.logDir,
  });
  try {
    await waitForHttp(`${url}/api/health`, child, startTimeoutMs);
  } catch (error) {
    await child.stop();
    remove();
    throw error;
  }
  return {
    url,
    variant,
    cpuMs: () => child.cpuMs(),
    async stop() {
      await child.stop();
      remove();
    },
  };
}
