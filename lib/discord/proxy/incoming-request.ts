import type { HttpMethod, RouteLike } from "../rest/route";

/** The API versions passed through; Discord's older ones are deprecated or gone. */
const versions = new Set([9, 10]);
const methods = new Set<HttpMethod>(["GET", "POST", "PUT", "PATCH", "DELETE"]);
/** RFC 3986 path characters; anything else (backslash, control characters, spaces) is not a Discord path. */
const pathCharacters = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]+$/;

export type TargetVerdict =
  | { ok: true; method: HttpMethod; version: number; path: RouteLike }
  | { ok: false; status: 400 | 404 | 405; reason: string; message: string };

/**
 * Where an incoming request goes: `/api/v10/guilds/1?x=1` becomes version
 * 10, path `/guilds/1?x=1`. Dot segments, empty segments and encoded slashes
 * are refused, so a path cannot climb out of the API (`/api/v10/../../x`).
 */
export function parseTarget(method: string, rawUrl: string): TargetVerdict {
  if (!methods.has(method as HttpMethod)) return { ok: false, status: 405, reason: "method-not-allowed", message: "405: Method Not Allowed" };
  const queryAt = rawUrl.indexOf("?");
  const pathname = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? "" : rawUrl.slice(queryAt);
  const match = /^\/api\/v(\d{1,2})(\/.*)$/.exec(pathname);
  const version = match ? Number(match[1]) : Number.NaN;
  if (!match || !versions.has(version)) return { ok: false, status: 404, reason: "not-an-api-path", message: "404: Not Found (send /api/v10/... or /api/v9/...)" };
  const path = match[2] ?? "/";
  const segments = path.split("/").slice(1);
  const malformed =
    !pathCharacters.test(path) ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..") ||
    /%(2f|5c|2e)/i.test(path) ||
    /[\u0000-\u001f\u007f\s]/.test(query);
  if (malformed) return { ok: false, status: 400, reason: "malformed-path", message: "400: Bad Request (malformed path)" };
  return { ok: true, method: method as HttpMethod, version, path: `${path}${query}` as RouteLike };
}

/** Hop-by-hop headers (RFC 9110 7.6.1) and those the proxy sets itself; never forwarded. */
const droppedRequestHeaders = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "authorization",
  "accept-encoding",
  "expect",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);

/**
 * The caller's headers that go on to Discord: everything end-to-end as it
 * came (Content-Type with its multipart boundary, X-Audit-Log-Reason,
 * User-Agent), minus hop-by-hop headers and any the `Connection` header names.
 */
export function forwardableHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const named = new Set(
    String(raw.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    const lower = name.toLowerCase();
    if (value === undefined || droppedRequestHeaders.has(lower) || named.has(lower)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}
