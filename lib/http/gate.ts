/**
 * The front door of every app process (server/main.ts), before Next.js sees
 * a request: whether it reached the public host name, who the client is,
 * whether its body may come in, and which methods exist at all. Pure functions over headers, so they are tested
 * without a server; the app reads what the gate decided from
 * `clientAddressHeader`, never from headers a client can write.
 */

/** Set by the gate to the client's address; any value a client sends under this name is dropped first. */
export const clientAddressHeader = "x-safa-client-address";

/** Our API's bodies are a few hundred bytes; next-auth's forms are smaller still. Larger bodies are refused unread. */
export const maxRequestBodyBytes = 16_384;

export const gatePolicy = {
  /** A request's headers must arrive within this. */
  headersTimeoutMs: 10_000,
  /** The whole request, body included, must arrive within this (Node answers 408 and closes). */
  requestTimeoutMs: 15_000,
  /** How often Node checks those two timeouts. */
  timeoutCheckIntervalMs: 1_000,
} as const;

/** Methods no route serves; Next.js answers TRACE with a 500 before any of our code runs. */
const refusedMethods = new Set(["TRACE", "TRACK", "CONNECT"]);

/** Headers a client could forge to change who it appears to be, or which host it appears to address. */
const forwardedHeaders = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded"];

export type GateRefusal = { status: number; code: string; message: string; headers?: Record<string, string> };

type HeaderBag = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The client's address: the socket's peer, unless `trustedProxyCount`
 * proxies stand in front, in which case the entry that many hops left of the
 * peer in `X-Forwarded-For` (each proxy appends the address it saw; anything
 * further left was written by the client and proves nothing).
 */
export function clientAddress(forwardedFor: string | undefined, peerAddress: string, trustedProxyCount: number): string {
  if (trustedProxyCount === 0) return peerAddress;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  const chain = [...hops, peerAddress];
  // The peer is the last proxy; `trustedProxyCount` entries from the right are proxies, the next one left is the client.
  return chain[chain.length - 1 - trustedProxyCount] ?? chain[0] ?? peerAddress;
}

/** Whether a request may come in at all, judged from its method and headers alone (nothing of its body is read). */
export function admitRequest(method: string, headers: HeaderBag): GateRefusal | null {
  if (refusedMethods.has(method.toUpperCase())) {
    return { status: 405, code: "method_not_allowed", message: "This server does not take that method.", headers: { Allow: "GET, HEAD, POST, PUT, PATCH, DELETE" } };
  }
  const transferEncoding = single(headers["transfer-encoding"]);
  const lengthHeader = single(headers["content-length"]);
  if (transferEncoding !== undefined && transferEncoding.toLowerCase() !== "identity") {
    return { status: 411, code: "length_required", message: "Send the request body with a Content-Length header." };
  }
  if (lengthHeader === undefined) return null;
  if (!/^\d{1,15}$/.test(lengthHeader.trim())) return { status: 400, code: "invalid_length", message: "The Content-Length header is not a number." };
  if (Number(lengthHeader) > maxRequestBodyBytes) {
    return { status: 413, code: "too_large", message: `The request body is too large (at most ${maxRequestBodyBytes} bytes).` };
  }
  return null;
}

/**
 * Rewrites the headers that say who the client is: drops every forwarded
 * header a client could have written (unless trusted proxies stand in front,
 * whose `X-Forwarded-Host`/`-Proto` are kept) and sets `clientAddressHeader`.
 */
export function sanitiseForwarding(headers: HeaderBag, peerAddress: string, trustedProxyCount: number): void {
  const address = clientAddress(single(headers["x-forwarded-for"]), peerAddress, trustedProxyCount);
  delete headers[clientAddressHeader];
  if (trustedProxyCount === 0) for (const name of forwardedHeaders) delete headers[name];
  headers["x-forwarded-for"] = address;
  headers[clientAddressHeader] = address;
}

/**
 * Paths any host name may reach: load balancers' health checks and the
 * metrics scraper call the app by its address, and neither carries cookies.
 */
const anyHostPaths = new Set(["/api/health", "/api/metrics"]);

/** `example.org:3000` -> `example.org`, `[::1]:3000` -> `[::1]`, lower case (the form `URL.hostname` has). */
export function hostName(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1) || host;
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** The host the browser addressed: the `Host` header, or the `X-Forwarded-Host` the nearest trusted proxy wrote. */
function addressedHost(headers: HeaderBag, trustedProxyCount: number): string | undefined {
  const forwarded = trustedProxyCount > 0 ? single(headers["x-forwarded-host"]) : undefined;
  const nearest = forwarded?.split(",").at(-1)?.trim();
  return nearest || single(headers.host);
}

/**
 * Only the path and query of a request target: an absolute-form target
 * ("http://other/x") names no host of ours, and a target with another scheme
 * ("x:.evil.example") has no path that could follow an origin, so it is "/".
 */
function pathAndQuery(target: string): { pathname: string; search: string } {
  const root = { pathname: "/", search: "" };
  try {
    const { pathname, search } = new URL(target, "http://target.invalid");
    return pathname.startsWith("/") ? { pathname, search } : root;
  } catch {
    return root;
  }
}

/**
 * Sends a request addressed to another host name than the public URL's
 * (`localhost` where NEXTAUTH_URL says `127.0.0.1`, a server's own address
 * behind a proxy) to the public URL, before anything reads or sets a
 * cookie: cookies belong to a host name, so a login started under one name
 * cannot finish under the other. Names are compared, not ports: several
 * instances on one name share its cookies, and each answers for itself.
 * GET and HEAD get a 308 to the same path and query on the public origin
 * (built from `publicUrl` alone, never from a header); any other method a
 * 421, since its body and cookies were meant for another name.
 */
export function canonicalHostRefusal(method: string, target: string, headers: HeaderBag, publicUrl: string, trustedProxyCount: number): GateRefusal | null {
  const addressed = addressedHost(headers, trustedProxyCount);
  const canonical = new URL(publicUrl);
  if (addressed === undefined || hostName(addressed) === canonical.hostname) return null;
  const { pathname, search } = pathAndQuery(target);
  if (anyHostPaths.has(pathname)) return null;
  const verb = method.toUpperCase();
  if (verb === "GET" || verb === "HEAD") {
    return {
      status: 308,
      code: "moved_to_public_url",
      message: `The SAFA Dashboard is at ${canonical.origin}.`,
      headers: { Location: `${canonical.origin}${pathname}${search}` },
    };
  }
  return { status: 421, code: "misdirected_request", message: `This address is not the SAFA Dashboard's own; send the request to ${canonical.origin}.` };
}

/** The most a request's line and headers may take together: the server's `maxHeaderSize` (server/main.ts), Node's default. */
export const maxHeaderBytes = 16_384;

/**
 * What the front door answers when Node could not read a request at all
 * (its `clientError`): the request line and headers too long, a request
 * that did not arrive in time, or bytes that are not HTTP. Node's own
 * answers to these have no body; ours say why, as every refusal does.
 */
export function clientErrorRefusal(errorCode: string | undefined): GateRefusal {
  switch (errorCode) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, code: "headers_too_large", message: `The request's address and headers are too long (at most ${maxHeaderBytes} bytes together). Use a shorter address.` };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, code: "request_timeout", message: "The request took too long to arrive. Send it again." };
    default:
      return { status: 400, code: "malformed_request", message: "The request could not be read as HTTP." };
  }
}
