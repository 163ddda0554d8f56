import type { RequestOptions } from "./types";
import type { HttpMethod, RouteLike } from "./route";

/** The full URL of a route, with its query string. */
export function buildUrl(apiBase: string, route: RouteLike, query: RequestOptions["query"]): string {
  if (query === undefined) return `${apiBase}${route}`;
  const params = query instanceof URLSearchParams ? query : new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  const text = params.toString();
  if (text === "") return `${apiBase}${route}`;
  return `${apiBase}${route}${route.includes("?") ? "&" : "?"}${text}`;
}

/**
 * The `fetch` options of one attempt: JSON bodies are serialised, form bodies
 * sent as they are, and the audit-log reason URI-encoded as Discord requires.
 */
export function buildInit(input: {
  method: HttpMethod;
  options: RequestOptions;
  authHeader: string | undefined;
  userAgent: string;
  signal: AbortSignal;
}): RequestInit {
  const headers: Record<string, string> = { "User-Agent": input.userAgent };
  if (input.authHeader !== undefined) headers.Authorization = input.authHeader;
  if (input.options.reason !== undefined) headers["X-Audit-Log-Reason"] = encodeURIComponent(input.options.reason);
  const raw = input.options.body;
  let body: BodyInit | undefined;
  if (raw instanceof URLSearchParams || raw instanceof FormData) body = raw;
  else if (raw !== undefined) {
    body = JSON.stringify(raw);
    headers["Content-Type"] = "application/json";
  }
  return { method: input.method, headers, signal: input.signal, ...(body === undefined ? {} : { body }) };
}
