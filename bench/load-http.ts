import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

export type HttpAnswer = { status: number; body: string; elapsedMs: number };

export type HttpClient = {
  send(method: string, url: string, options?: { headers?: Record<string, string>; body?: string; timeoutMs?: number }): Promise<HttpAnswer>;
  close(): void;
};

/**
 * A keep-alive client over node:http, cheaper per request than fetch, so the
 * generator's own cost stays out of the latencies it measures. A request
 * that gets no answer in time rejects.
 */
export function createHttpClient(options: { maxSockets: number; timeoutMs: number }): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets });
  return {
    send(method, url, init = {}) {
      const timeoutMs = init.timeoutMs ?? options.timeoutMs;
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const headers: Record<string, string> = { ...init.headers };
        if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
        const req = request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), elapsedMs: performance.now() - started }));
          res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from ${method} ${url} within ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(init.body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** JSON to the emulator's control API (no keep-alive; setup, not measurement). */
export async function controlCall(url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as unknown) : null;
}
