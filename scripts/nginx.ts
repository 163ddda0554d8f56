import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { delimiter, join, resolve } from "node:path";
import { findFreePort } from "./free-port";

/** The site configuration the deployment guide shows; the stack renders this very file. */
export const siteTemplatePath = resolve(__dirname, "..", "deploy", "nginx", "safa.conf");

/** What a machine without nginx is told to run. */
export const nginxInstallHint = "nginx is not installed. Install it as root with:\n  apt-get install nginx";

export type Upstream = { host: string; port: number };

export type SiteValues = {
  /** nginx's `listen` argument, e.g. "127.0.0.1:3400". */
  listen: string;
  /** The canonical host name (NEXTAUTH_URL's). */
  serverName: string;
  upstreams: Upstream[];
};

/**
 * Fills in the site template's placeholders. An unknown or unfilled
 * placeholder is an error, so the template and this function cannot drift
 * apart unnoticed.
 */
export function renderSiteConf(template: string, values: SiteValues): string {
  if (values.upstreams.length === 0) throw new Error("nginx needs at least one app instance to send requests to");
  const filled: Record<string, string> = {
    listen: values.listen,
    server_name: values.serverName,
    // Five failures within 10 s take an instance out for 10 s (passive health checks, all open-source nginx has).
    upstream_servers: values.upstreams.map(({ host, port }) => `    server ${host}:${port} max_fails=5 fail_timeout=10s;`).join("\n"),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) => {
    const value = filled[name];
    if (value === undefined) throw new Error(`unknown placeholder ${placeholder} in the nginx template`);
    return value;
  });
}

/**
 * The main configuration for running nginx as an ordinary process of the
 * stack: every path (pid, logs, temporary files) inside `dataDir`, so no
 * root is needed to run it, and the rendered site included as a production
 * server includes it from /etc/nginx/conf.d/. `daemon off` is given on the
 * command line, as Debian's own unit does with `-g`.
 */
export function renderMainConf(dataDir: string, sitePath: string): string {
  const temp = (name: string) => join(dataDir, "temp", name);
  return [
    "worker_processes 1;",
    // Open live-update streams would hold a graceful stop for an hour.
    "worker_shutdown_timeout 3s;",
    `pid ${join(dataDir, "nginx.pid")};`,
    `error_log ${join(dataDir, "error.log")} warn;`,
    "events { worker_connections 1024; }",
    "http {",
    `    access_log ${join(dataDir, "access.log")};`,
    `    client_body_temp_path ${temp("client_body")};`,
    `    proxy_temp_path ${temp("proxy")};`,
    `    fastcgi_temp_path ${temp("fastcgi")};`,
    `    uwsgi_temp_path ${temp("uwsgi")};`,
    `    scgi_temp_path ${temp("scgi")};`,
    `    include ${sitePath};`,
    "}",
    "",
  ].join("\n");
}

/** Debian installs nginx in /usr/sbin, which is not on an ordinary user's PATH. */
export function findNginx(): string | null {
  const directories = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/sbin", "/sbin"];
  for (const directory of directories) {
    const candidate = join(directory, "nginx");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export type NginxHandle = {
  url: string;
  port: number;
  pid: number;
  /** The main configuration file nginx was started with. */
  conf: string;
  process: ChildProcess;
  /** Stops nginx and its worker (SIGTERM; SIGKILL to the whole process group after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
};

export type NginxOptions = {
  dataDir: string;
  upstreams: Upstream[];
  port?: number;
  /** Default 127.0.0.1: the stack binds loopback only. */
  host?: string;
  /** Default: `host`. */
  serverName?: string;
  /** Default: inherit stderr (nginx's start-up complaints show there). */
  quiet?: boolean;
};

/** Starts Debian's nginx in front of `upstreams`, unprivileged, with everything it writes inside `dataDir`. */
export async function startNginx(options: NginxOptions): Promise<NginxHandle> {
  const binary = findNginx();
  if (binary === null) throw new Error(nginxInstallHint);
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await findFreePort());
  const dataDir = resolve(options.dataDir);
  mkdirSync(join(dataDir, "temp"), { recursive: true });
  const sitePath = join(dataDir, "safa.conf");
  const confPath = join(dataDir, "nginx.conf");
  writeFileSync(sitePath, renderSiteConf(readFileSync(siteTemplatePath, "utf8"), { listen: `${host}:${port}`, serverName: options.serverName ?? host, upstreams: options.upstreams }));
  writeFileSync(confPath, renderMainConf(dataDir, sitePath));

  // -e: the log for complaints before the configuration is read (the compiled-in one is root's).
  const child = spawn(binary, ["-p", dataDir, "-c", confPath, "-e", join(dataDir, "error.log"), "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", options.quiet ? "pipe" : "inherit"],
    // A process group of its own: a SIGKILL then reaches the worker too, not the master alone.
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  try {
    await Promise.race([
      waitForListening(host, port, 10_000),
      spawnError,
      exited.then(() => {
        throw new Error(`nginx exited at start${stderr.trim() ? `: ${stderr.trim()}` : ` (see ${join(dataDir, "error.log")})`}`);
      }),
    ]);
  } catch (error) {
    killGroup(child);
    throw error;
  }
  return {
    url: `http://${host}:${port}`,
    port,
    pid: child.pid ?? 0,
    conf: confPath,
    process: child,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup(child), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

async function waitForListening(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await connects(host, port)) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`nginx did not listen on ${host}:${port} within ${timeoutMs} ms`);
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once("error", () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}
