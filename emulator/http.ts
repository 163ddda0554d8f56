import type { IncomingMessage, ServerResponse } from "node:http";
import type { RESTError, RESTErrorData } from "discord-api-types/v10";

/** A response built by a handler, still open to rate-limit headers and injected faults before it is sent. */
export type EmulatorResponse = { status: number; headers: Record<string, string>; body: string };

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(value) };
}

export function htmlResponse(status: number, markup: string): EmulatorResponse {
  return { status, headers: { "Content-Type": "text/html; charset=utf-8" }, body: markup };
}

export function noContent(): EmulatorResponse {
  return { status: 204, headers: {}, body: "" };
}

export function redirectResponse(location: string): EmulatorResponse {
  return { status: 302, headers: { Location: location }, body: "" };
}

/** Discord's JSON error shape: `{"message": "...", "code": n, "errors"?: {...}}`. */
export function discordError(status: number, code: number, message: string, errors?: RESTErrorData): EmulatorResponse {
  const body: RESTError = errors === undefined ? { message, code } : { message, code, errors };
  return jsonResponse(status, body);
}

export const unauthorized = (): EmulatorResponse => discordError(401, 0, "401: Unauthorized");
export const notFound = (): EmulatorResponse => discordError(404, 0, "404: Not Found");

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

/** Bodies this emulator accepts are tiny; a cap keeps a runaway benchmark from eating memory. */
const MAX_BODY_BYTES = 1_048_576;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendResponse(response: ServerResponse, reply: EmulatorResponse): void {
  response.writeHead(reply.status, { ...reply.headers, "Content-Length": String(Buffer.byteLength(reply.body)) });
  response.end(reply.body);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Loopback callers only: the control API has no auth, so nothing else may reach it. */
export function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

/** IPv4-mapped IPv6 and plain IPv4 are the same caller for the invalid-request count. */
export function clientIp(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? "unknown";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

/** What Cloudflare sends a banned IP: plain text, no `X-RateLimit-*` headers, only a long `Retry-After`. */
export function cloudflareBan(retryAfterSeconds: number): EmulatorResponse {
  return {
    status: 429,
    headers: { "Content-Type": "text/plain; charset=UTF-8", "Retry-After": String(retryAfterSeconds) },
    body: "error code: 1015",
  };
}
