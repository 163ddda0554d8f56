import type { HttpMethod } from "./route";

/** Repeating these has the same effect as sending them once. */
export function isIdempotent(method: HttpMethod): boolean {
  return method === "GET" || method === "PUT" || method === "DELETE";
}

/** Errors raised while connecting: the request never reached Discord, so even a POST may be retried. */
const connectPhaseCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function isConnectPhaseError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && connectPhaseCodes.has(code)) return true;
    current = current.cause;
  }
  return false;
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries from many callers spread out. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
