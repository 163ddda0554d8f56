/**
 * The front door of every app process (server/main.ts), before Next.js sees
 * a request: who the client is, whether its body may come in, and which
 * methods exist at all. Pure functions over headers, so they are tested
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
