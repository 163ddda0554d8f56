import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { admitRequest, canonicalHostRefusal, clientErrorRefusal, sanitiseForwarding, type GateRefusal } from "./gate";

export type FrontDoorOptions = {
  /** NEXTAUTH_URL: the one address browsers use; requests to another host name are sent there. */
  publicUrl: string;
  trustedProxyCount: number;
  /** What answers the requests the gate lets in (Next.js). */
  handle: (request: IncomingMessage, response: ServerResponse) => unknown;
};

function refuse(response: ServerResponse, refusal: GateRefusal): void {
  response.writeHead(refusal.status, {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    // The unread body stays on the socket: close it rather than parse it as the next request.
    Connection: "close",
    ...refusal.headers,
  });
  response.end(JSON.stringify({ error: refusal.code, message: refusal.message }));
}

/**
 * The request listener of every app process: the gate's checks in order,
 * then the app. The host name comes first, so nothing (no cookie, no rate
 * limit counted against the client) happens under a name the app does not
 * answer to.
 */
export function frontDoor({ publicUrl, trustedProxyCount, handle }: FrontDoorOptions): RequestListener {
  return (request, response) => {
    const method = request.method ?? "GET";
    const refusal = canonicalHostRefusal(method, request.url ?? "/", request.headers, publicUrl, trustedProxyCount) ?? admitRequest(method, request.headers);
    if (refusal) return refuse(response, refusal);
    sanitiseForwarding(request.headers, request.socket.remoteAddress ?? "unknown", trustedProxyCount);
    void handle(request, response);
  };
}

/**
 * The server's `clientError` listener: Node could not read a request (its
 * line and headers too long, too slow, not HTTP), so there is no response
 * object and the answer is written to the socket. It says why in the same
 * JSON as every other refusal, then closes. A socket already answering a
 * request (a timeout while the app writes its response) is only closed: a
 * second status line there would corrupt the first answer.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex, headers: Record<string, string> = {}): void {
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const refusal = clientErrorRefusal(error.code);
  const body = JSON.stringify({ error: refusal.code, message: refusal.message });
  const lines = [
    `HTTP/1.1 ${refusal.status} ${refusal.reason}`,
    "Content-Type: application/json",
    "Cache-Control: no-store",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}
