import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

export type HttpAnswer = { status: number; body: string; elapsedMs: number; headers: Record<string, string | string[] | undefined> };

type RequestOptions = { headers?: Record<string, string>; body?: string; timeoutMs?: number };

export type HttpClient = {
  send(method: string, url: string, options?: RequestOptions): Promise<HttpAnswer>;
  get(url: string, options?: Omit<RequestOptions, "body">): Promise<HttpAnswer>;
  close(): void;
};

/**
 * A keep-alive client over node:http, cheaper per request than fetch, so the
 * generator's own cost stays out of the latencies it measures. A request
 * that gets no answer in time rejects.
 */
export function createHttpClient(options: { maxSockets: number; timeoutMs: number }): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets });
  function send(method: string, url: string, init: RequestOptions = {}): Promise<HttpAnswer> {
    const timeoutMs = init.timeoutMs ?? options.timeoutMs;
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
      const req = request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), elapsedMs: performance.now() - started, headers: res.headers }),
        );
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer from ${method} ${url} within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(init.body);
    });
  }
  return {
    send,
    get: (url, init) => send("GET", url, init),
    close: () => agent.destroy(),
  };
}

/** JSON to the emulator's control API (no keep-alive: setup, not measurement); anything but a 2xx throws. */
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
