import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

export type HttpAnswer = { status: number; body: string; elapsedMs: number; headers: Record<string, string | string[] | undefined> };

export type HttpClient = {
  get(url: string, options?: { headers?: Record<string, string>; timeoutMs?: number }): Promise<HttpAnswer>;
  close(): void;
};

/** A keep-alive client over node:http: cheaper per request than fetch, so the client side is not what a measurement measures. */
export function createHttpClient(options: { maxSockets: number; defaultTimeoutMs: number }): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets });
  return {
    get(url, init = {}) {
      const timeoutMs = init.timeoutMs ?? options.defaultTimeoutMs;
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const req = request(url, { method: "GET", agent, headers: init.headers, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), elapsedMs: performance.now() - started, headers: res.headers }),
          );
          res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

/** POSTs JSON once, without keep-alive: for control calls, not measurements. */
export async function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}
