import { spawn } from "node:child_process";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { discordPyClientPath } from "@/bench/proxy/discordpy";
import type { ProxyConfig } from "@/lib/discord/proxy/proxy-config";
import { startProxy, type ProxyHandle } from "@/lib/discord/proxy/start-proxy";
import type { RestPolicy } from "@/lib/discord/rest/policy";

export { discordPyPython } from "@/bench/proxy/discordpy";
export const botToken = "emulator-bot-token";

/** A proxy on a free loopback port, configured as `npm run proxy` would be from the app's environment. */
export function proxyFor(input: { apiBase: string; redis: Redis; keyPrefix: string; config?: Partial<ProxyConfig>; policy?: Partial<RestPolicy> }): Promise<ProxyHandle> {
  return startProxy({
    config: { host: "127.0.0.1", port: 0, apiBase: input.apiBase, redis: { kind: "url", url: "unused" }, botTokens: [botToken], allowBearer: false, deadlineMs: 10_000, maxBodyBytes: 1_048_576, globalPerSecond: 50, ...input.config },
    redis: input.redis,
    keyPrefix: input.keyPrefix,
    ...(input.policy === undefined ? {} : { policy: input.policy }),
  });
}

export type CapturedRequest = { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer };

/**
 * A stand-in for Discord that records every request byte for byte and
 * answers 200 with a JSON body (or what `answer` says): for what the
 * emulator has no route for, such as file uploads.
 */
export async function captureServer(answer?: (request: CapturedRequest) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(request);
      const reply = answer?.(request) ?? { status: 200, body: JSON.stringify({ id: "1" }) };
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    seen,
    apiBase: `${url}/api/v10`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type ClientJob = { method: "GET" | "PUT" | "DELETE"; path: `/${string}` };
export type ClientResult = { statuses: Record<string, number>; errors: string[] };

function collect(command: string, args: string[]): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "error" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || line === "") reject(new Error(`${command} exited with ${code}: ${err.slice(-2_000)}`));
      else resolve(JSON.parse(line) as ClientResult);
    });
  });
}

const djsClient = fileURLToPath(new URL("./proxy-djs-client.ts", import.meta.url));
const tsxBin = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

/** An @discordjs/rest process whose `api` is the proxy (`http://host:port/api`). */
export function runDiscordJs(proxyUrl: string, jobs: ClientJob[]): Promise<ClientResult> {
  return collect(tsxBin, [djsClient, JSON.stringify({ api: `${proxyUrl}/api`, token: botToken, jobs })]);
}

/** A discord.py process with `Route.BASE` set to the proxy. */
export function runDiscordPy(python: string, proxyUrl: string, jobs: ClientJob[]): Promise<ClientResult> {
  return collect(python, [discordPyClientPath, JSON.stringify({ base: `${proxyUrl}/api/v10`, token: botToken, jobs })]);
}

export type RawReply = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** An HTTP request with exactly the headers given (fetch refuses hop-by-hop ones), answered or not. */
export function rawRequest(url: string, input: { method?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    // The path is sent as written: a URL object would resolve `..` and `%2e%2e` before the proxy sees them.
    const [, origin = "", path = "/"] = /^(https?:\/\/[^/]+)(.*)$/.exec(url) ?? [];
    const { hostname, port } = new URL(origin);
    const request = httpRequest({ hostname, port, path, method: input.method ?? "GET", headers: input.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", reject);
    if (input.chunked === true && input.body !== undefined) {
      // Written in pieces without a Content-Length, so Node sends it chunked.
      const body = Buffer.from(input.body);
      const half = Math.floor(body.length / 2);
      request.write(body.subarray(0, half));
      request.end(body.subarray(half));
      return;
    }
    request.end(input.body);
  });
}
